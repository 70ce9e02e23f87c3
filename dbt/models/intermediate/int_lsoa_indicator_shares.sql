-- Every LSOA's share of its 2018 district on each LSOA basis the neighbourhood marts share a
-- segment by: population (mid-2018, int_lsoas_shared), and the IoD 2019 mid-2015 age bands for the
-- age indicators. [rule: neighbourhood_rule] [rule: indicator_rule]
with lsoas as (
    select * from {{ ref('int_lsoas_shared') }}
),

bands as (
    select * from {{ ref('stg_mhclg__lsoa_population_denominators') }}
),

by_band as (
    select lsoas.lsoa_code, lsoas.lad_code, lsoas.msoa_code, lsoas.ward_code, lsoas.imd_rank,
           'population_0_15' as lsoa_basis, bands.population_0_15 as basis_count
    from lsoas
    inner join bands on bands.lsoa_code = lsoas.lsoa_code
    union all
    select lsoas.lsoa_code, lsoas.lad_code, lsoas.msoa_code, lsoas.ward_code, lsoas.imd_rank,
           'population_60_plus', bands.population_60_plus
    from lsoas
    inner join bands on bands.lsoa_code = lsoas.lsoa_code
),

final as (
    select lsoa_code, lad_code, msoa_code, ward_code, imd_rank, 'population' as lsoa_basis, district_share
    from lsoas
    union all
    select lsoa_code, lad_code, msoa_code, ward_code, imd_rank, lsoa_basis,
           basis_count / sum(basis_count) over (partition by lad_code, lsoa_basis) as district_share
    from by_band
)

select * from final
