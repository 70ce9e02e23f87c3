-- One row per 2018 English district with the areas it belongs to (region, 2012 county, 2017 police
-- force area and fire authority, combined authority), all read through int_districts_mapped.
with mapped as (
    select * from {{ ref('int_districts_mapped') }}
),

-- the 2018 districts themselves: each maps to itself
population as (
    select distinct
        lad_code_2018 as lad_code,
        lad_name_2018 as lad_name
    from mapped
),

geography as (
    select * from {{ ref('stg_ons__geography') }}
),

membership as (
    select
        mapped.lad_code_2018,
        max(case when geography.lad_code = mapped.lad_code_2018 then geography.region_code end) as region_code,
        max(geography.county_code_2012) as county_code,
        max(geography.police_force_code_2017) as police_force_code,
        max(geography.fire_authority_code_2017) as fire_authority_code,
        max(case when geography.lad_code = mapped.lad_code_2018 then geography.combined_authority_code end)
            as combined_authority_code
    from mapped
    inner join geography on mapped.any_lad_code = geography.lad_code
    group by 1
),

final as (
    select
        population.lad_code,
        population.lad_name,
        membership.region_code,
        membership.county_code,
        membership.police_force_code,
        membership.fire_authority_code,
        membership.combined_authority_code
    from population
    left join membership on population.lad_code = membership.lad_code_2018
)

select * from final
