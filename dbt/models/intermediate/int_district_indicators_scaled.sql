-- Every indicator of seed indicators for every 2018 district and financial year of the count, and
-- the district's share of its region's indicator. Population is the year's own; every other
-- indicator is its reference-year rate per head (of the district's 2019 district: the same district
-- unless it merged in April 2019) times the district's population of the year, flagged is_scaled.
-- A district missing from an indicator's file has no value here and fails the gate
-- assert_every_district_has_its_indicators. A funder's own allocation (method
-- apportioned_funder_allocation: NHS England's, int_nhs_allocations_shared) is the year's own figure,
-- present only in the years it was published. [rule: indicator_rule] [rule: funder_allocation_rule]
with population as (
    select * from {{ ref('int_district_population_shared') }}
),

indicators as (
    select indicator_id from {{ ref('indicators') }}
    where method <> 'apportioned_funder_allocation'
),

funder_allocations as (
    select * from {{ ref('int_nhs_allocations_shared') }}
),

successors as (
    select distinct
        lad_code,
        lad_code_2019
    from {{ ref('int_lsoas_shared') }}
),

rates as (
    select * from {{ ref('int_indicator_rates_referenced') }}
),

scaled as (
    select
        population.lad_code,
        population.region_code,
        population.financial_year,
        indicators.indicator_id,
        case
            when indicators.indicator_id = 'population' then population.population
            else rates.rate_per_head * population.population
        end as indicator_value,
        case
            when indicators.indicator_id = 'population' then cast(population.mid_year as varchar)
            else rates.reference_year
        end as reference_year,
        indicators.indicator_id <> 'population' as is_scaled,
        case
            when indicators.indicator_id = 'population' then population.lad_code
            else successors.lad_code_2019
        end as reference_lad_code
    from population
    cross join indicators
    left join successors on population.lad_code = successors.lad_code
    left join rates
        on successors.lad_code_2019 = rates.lad_code_2019 and indicators.indicator_id = rates.indicator_id
),

funder_keys as (
    select
        lad_code,
        region_code,
        financial_year,
        indicator_id,
        indicator_value,
        financial_year as reference_year,
        false as is_scaled,
        lad_code as reference_lad_code
    from funder_allocations
),

unioned as (
    select * from scaled
    union all by name
    select * from funder_keys
),

final as (
    select
        *,
        indicator_value
        / sum(indicator_value) over (partition by region_code, financial_year, indicator_id) as region_share
    from unioned
)

select * from final
