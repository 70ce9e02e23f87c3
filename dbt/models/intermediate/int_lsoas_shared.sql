-- Every English LSOA with its 2018 district, MSOA (seed lsoa_to_msoa), 2017 ward, IMD rank and its
-- share of its district's population. [rule: neighbourhood_rule]
with lsoas as (
    select * from {{ ref('stg_ons__small_areas') }}
),

mapped as (
    select * from {{ ref('int_districts_mapped') }}
),

msoas as (
    select * from {{ ref('lsoa_to_msoa') }}
),

final as (
    select
        lsoas.lsoa_code,
        lsoas.lsoa_name,
        mapped.lad_code_2018 as lad_code,
        lsoas.lad_code_2019,
        msoas.msoa_code,
        msoas.msoa_name,
        lsoas.ward_code_2017 as ward_code,
        lsoas.ward_name_2017 as ward_name,
        lsoas.imd_rank_2019 as imd_rank,
        lsoas.population_2018,
        lsoas.population_2018 / sum(lsoas.population_2018) over (partition by mapped.lad_code_2018) as district_share
    from lsoas
    inner join mapped on lsoas.lad_code_2017 = mapped.any_lad_code
    left join msoas on lsoas.lsoa_code = msoas.lsoa_code
)

select * from final
