-- The LSOA estimates added up to MSOAs (seed lsoa_to_msoa). [rule: neighbourhood_rule]
-- a view like fct_neighbourhood_spend: computed when read, always current
{{ config(materialized='view') }}
{{ rollup_from_lsoas('msoa') }}
