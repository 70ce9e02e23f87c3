-- The LSOA estimates added up to 2017 wards: a ward's estimate is the sum of its best-fit LSOAs.
-- [rule: neighbourhood_rule]
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ yearly_replace() }}") }}
{{ rollup_from_lsoas('ward') }}
