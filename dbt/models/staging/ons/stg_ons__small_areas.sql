-- 2011 LSOAs in England: mid-2018 population, best-fit 2017 ward and district, IMD 2019 rank.
-- Renamed and cast; the three published files share the LSOA code.
with population as (
    select * from {{ source('ons', 'ons_small_area_population') }}
    where area_type = 'LSOA' and area_code like 'E01%'
),

wards as (
    select * from {{ source('ons', 'geo_lsoa_ward17') }}
),

imd as (
    select * from {{ source('ons', 'geo_lsoa_imd2019') }}
),

final as (
    select
        population.area_code as lsoa_code,
        wards.lsoa11nm as lsoa_name,
        wards.lad_code as lad_code_2017,
        wards.ward_code as ward_code_2017,
        wards.wd17nm as ward_name_2017,
        cast(imd.imd_rank as integer) as imd_rank_2019,
        imd.lad_code as lad_code_2019,
        cast(population.population as bigint) as population_2018
    from population
    left join wards on population.area_code = wards.lsoa_code
    left join imd on population.area_code = imd.lsoa_code
)

select * from final
