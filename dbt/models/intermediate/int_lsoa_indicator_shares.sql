-- Every LSOA's share of its 2018 district on each LSOA basis the neighbourhood marts share a
-- segment by: population (mid-2018, int_lsoas_shared); the IoD 2019 mid-2015 age bands for the age
-- indicators; and for health, the LSOA's mid-2018 population priced by the NHS cost per head of its
-- district's age and sex mix at the LSOA's own IMD 2019 quintile. [rule: neighbourhood_rule]
-- [rule: indicator_rule]
with lsoas as (
    select * from {{ ref('int_lsoas_shared') }}
),

bands as (
    select * from {{ ref('stg_mhclg__lsoa_population_denominators') }}
),

small_areas as (
    select
        lsoa_code,
        imd_rank_2019,
        lad_code_2019
    from {{ ref('stg_ons__small_areas') }}
),

age as (
    select * from {{ ref('stg_ons__population_by_age') }}
),

nhs_cost as (
    select * from {{ ref('stg_research__nhs_cost_by_age') }}
    where reference_year = '2014-15'
),

-- NHS cost per head of each 2019 district's age and sex mix, at each IMD quintile's national rates
district_quintile_cost as (
    select
        age.lad_code_2019,
        nhs_cost.imd_quintile,
        sum(age.population * nhs_cost.cost_gbp_per_person) / sum(age.population) as cost_per_head
    from age
    inner join nhs_cost on age.sex = nhs_cost.sex and nhs_cost.age = least(age.age, 85)
    group by age.lad_code_2019, nhs_cost.imd_quintile
),

lsoa_quintiles as (
    select
        lsoa_code,
        lad_code_2019,
        ntile(5) over (order by imd_rank_2019) as imd_quintile
    from small_areas
),

-- each LSOA's count on every basis but population: the two IoD age bands and the health need
band_counts as (
    select
        bands.lsoa_code,
        'population_0_15' as lsoa_basis,
        bands.population_0_15 as basis_count
    from bands
    union all
    select
        bands.lsoa_code,
        'population_60_plus' as lsoa_basis,
        bands.population_60_plus as basis_count
    from bands
    union all
    select
        lsoas.lsoa_code,
        'health_need' as lsoa_basis,
        lsoas.population_2018 * district_quintile_cost.cost_per_head as basis_count
    from lsoas
    inner join lsoa_quintiles on lsoas.lsoa_code = lsoa_quintiles.lsoa_code
    inner join district_quintile_cost
        on
            lsoa_quintiles.lad_code_2019 = district_quintile_cost.lad_code_2019
            and lsoa_quintiles.imd_quintile = district_quintile_cost.imd_quintile
),

shares as (
    select
        lsoas.lsoa_code,
        'population' as lsoa_basis,
        lsoas.district_share
    from lsoas
    union all
    select
        band_counts.lsoa_code,
        band_counts.lsoa_basis,
        band_counts.basis_count
        / sum(band_counts.basis_count) over (partition by lsoas.lad_code, band_counts.lsoa_basis) as district_share
    from band_counts
    inner join lsoas on band_counts.lsoa_code = lsoas.lsoa_code
),

final as (
    select
        lsoas.lsoa_code,
        lsoas.lad_code,
        lsoas.msoa_code,
        lsoas.msoa_name,
        lsoas.ward_code,
        lsoas.ward_name,
        lsoas.imd_rank,
        shares.lsoa_basis,
        shares.district_share
    from shares
    inner join lsoas on shares.lsoa_code = lsoas.lsoa_code
)

select * from final
