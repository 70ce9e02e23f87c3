-- Every English LSOA with the areas it belongs to, its IMD 2019 rank and mid-2018 population: join it
-- to fct_neighbourhood_spend on lsoa_code.
with lsoas as (
    select * from {{ ref('int_lsoas_shared') }}
),

final as (
    select
        lsoa_code,
        lsoa_name,
        lad_code,
        msoa_code,
        msoa_name,
        ward_code,
        ward_name,
        imd_rank,
        population_2018,
        district_share
    from lsoas
)

select * from final
