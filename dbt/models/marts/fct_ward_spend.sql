-- The LSOA estimates added up to 2017 wards: a ward's estimate is the sum of its best-fit LSOAs.
-- [rule: neighbourhood_rule]
-- a view like fct_neighbourhood_spend: computed when read, always current
{{ config(materialized='view') }}
{{ rollup_from_lsoas('ward') }}
