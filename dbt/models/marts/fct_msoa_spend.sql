-- The LSOA estimates added up to MSOAs (seed lsoa_to_msoa). [rule: neighbourhood_rule]
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ yearly_replace() }}") }}
{{ rollup_from_lsoas('msoa') }}
