-- Health's funder key per 2018 district and allocation year: NHS England's allocation to each ICB shared
-- over the ICB's GP practices by the allocation formula's need-weighted populations (Final WP for ICB core
-- and other primary care, Final PMC WP for primary medical care), summed to the district where each surgery
-- is, with the practices' registered patients (list size) beside it. A year with no ICB allocation file
-- uses the practices' weights alone (key_basis says which): Final WP in 2022-23, and in 2021-22 the
-- workbook's WP_HCHS, each practice in the district the later files give it. A practice's district is a
-- 2021 code: a 2021 district that merged 2018 districts (Buckinghamshire, the Northamptonshires, Dorset,
-- BCP, East and West Suffolk, Somerset West and Taunton) is shared among them by their population of the
-- year. [rule: funder_allocation_rule]
with later_practices as (
    select * from {{ ref('stg_nhs__practice_weighted_populations') }}
),

practices_2021_22 as (
    select * from {{ ref('stg_nhs__practice_hchs_weights_2021_22') }}
),

-- 2021-22's workbook has no district: a practice's district is where the surgery is in the first later
-- file that lists it; a practice gone by 2022-23 is spread over its CCG's located practices' districts by
-- their weights (located_by says which)
practice_districts as (
    select
        practice_code,
        arg_min(lad21_code, financial_year) as lad21_code
    from later_practices
    group by all
),

located_2021_22 as (
    select
        practices_2021_22.*,
        practice_districts.lad21_code
    from practices_2021_22
    left join practice_districts on practices_2021_22.practice_code = practice_districts.practice_code
),

ccg_districts as (
    select
        ccg_code,
        lad21_code,
        sum(hchs_wp) / sum(sum(hchs_wp)) over (partition by ccg_code) as ccg_share
    from located_2021_22
    where lad21_code is not null
    group by ccg_code, lad21_code
),

practices as (
    select
        financial_year,
        practice_code,
        lad21_code,
        icb_code,
        list_size,
        final_wp,
        final_pmc_wp,
        'weighted_population_only' as weights_only_basis,
        'practice' as located_by
    from later_practices
    union all
    select
        financial_year,
        practice_code,
        lad21_code,
        icb_code,
        list_size,
        hchs_wp as final_wp,
        null as final_pmc_wp,
        'hchs_weighted_population_only' as weights_only_basis,
        'practice' as located_by
    from located_2021_22
    where lad21_code is not null
    union all
    select
        located_2021_22.financial_year,
        located_2021_22.practice_code,
        ccg_districts.lad21_code,
        located_2021_22.icb_code,
        located_2021_22.list_size * ccg_districts.ccg_share as list_size,
        located_2021_22.hchs_wp * ccg_districts.ccg_share as final_wp,
        null as final_pmc_wp,
        'hchs_weighted_population_only' as weights_only_basis,
        'ccg' as located_by
    from located_2021_22
    inner join ccg_districts on located_2021_22.ccg_code = ccg_districts.ccg_code
    where located_2021_22.lad21_code is null
),

allocations as (
    select * from {{ ref('stg_nhs__icb_allocations') }}
),

succeeded as (
    select
        lad_code,
        code
    from {{ ref('int_districts_succeeded') }}
),

population as (
    select
        lad_code,
        region_code,
        financial_year,
        population
    from {{ ref('int_district_population_shared') }}
),

icb_weights as (
    select
        financial_year,
        icb_code,
        sum(final_wp) as icb_final_wp,
        sum(final_pmc_wp) as icb_final_pmc_wp
    from practices
    group by all
),

-- each practice's part of its ICB's allocations (pounds), or its weight where the year has none
practice_keys as (
    select
        practices.financial_year,
        practices.practice_code,
        practices.lad21_code,
        practices.icb_code,
        coalesce(
            sum(
                allocations.allocation_gbp
                * case
                    when allocations.allocation = 'primary_medical_care'
                        then practices.final_pmc_wp / icb_weights.icb_final_pmc_wp
                    else practices.final_wp / icb_weights.icb_final_wp
                end
            ),
            any_value(practices.final_wp)
        ) as key_value,
        any_value(practices.list_size) as registered_patients,
        case
            when count(allocations.allocation) > 0 then 'icb_allocations_by_weighted_population'
            else any_value(practices.weights_only_basis)
        end as key_basis,
        any_value(practices.located_by) as located_by
    from practices
    inner join icb_weights
        on practices.financial_year = icb_weights.financial_year and practices.icb_code = icb_weights.icb_code
    left join allocations
        on practices.financial_year = allocations.financial_year and practices.icb_code = allocations.icb_code
    group by all
),

lad21_keys as (
    select
        financial_year,
        lad21_code,
        any_value(key_basis) as key_basis,
        sum(key_value) as key_value,
        sum(key_value) filter (where located_by = 'ccg') as key_value_located_by_ccg,
        sum(registered_patients) as registered_patients,
        count(*) as practices
    from practice_keys
    group by all
),

-- a 2021 district to the 2018 districts it is made of, by their population of the year
shared as (
    select
        population.lad_code,
        population.region_code,
        lad21_keys.financial_year,
        lad21_keys.lad21_code,
        lad21_keys.key_basis,
        lad21_keys.practices,
        population.population
        / sum(population.population) over (partition by lad21_keys.financial_year, lad21_keys.lad21_code)
            as population_share,
        lad21_keys.key_value,
        lad21_keys.key_value_located_by_ccg,
        lad21_keys.registered_patients
    from lad21_keys
    inner join succeeded on lad21_keys.lad21_code = succeeded.code
    inner join population
        on succeeded.lad_code = population.lad_code and lad21_keys.financial_year = population.financial_year
),

final as (
    select
        lad_code,
        region_code,
        financial_year,
        'nhs_funder_allocation' as indicator_id,
        any_value(key_basis) as key_basis,
        string_agg(distinct lad21_code, ', ' order by lad21_code) as lad21_codes,
        sum(practices) as practices,
        sum(registered_patients * population_share) as registered_patients,
        sum(key_value * population_share) as indicator_value,
        coalesce(sum(key_value_located_by_ccg * population_share), 0) as indicator_value_located_by_ccg
    from shared
    group by all
)

select * from final
