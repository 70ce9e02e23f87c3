-- The LSOA estimates added up to MSOAs (seed lsoa_to_msoa). [rule: neighbourhood_rule]
{{ rollup_from_lsoas('msoa') }}
