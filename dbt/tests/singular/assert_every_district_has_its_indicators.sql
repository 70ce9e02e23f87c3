-- Every 2018 district has every indicator of seed indicators, not negative, in every year of the
-- count: a district missing from an indicator's file (or from the lookup to its 2019 district) is
-- listed by code and name with the indicator and the file it is missing from. A funder's allocation
-- (apportioned_funder_allocation) must reach every district in every year the policy uses it.
-- [rule: indicator_rule] [rule: funder_allocation_rule]
-- shown in Dagster as a check on int_district_indicators_scaled
{{ config(meta={'dagster': {'ref': {'name': 'int_district_indicators_scaled'}}}) }}

with scaled as (
    select * from {{ ref('int_district_indicators_scaled') }}
),

districts as (
    select
        lad_code,
        lad_name
    from {{ ref('int_districts_described') }}
),

indicators as (
    select
        indicator_id,
        source_ids
    from {{ ref('indicators') }}
),

population as (
    select
        lad_code,
        financial_year
    from {{ ref('int_district_population_shared') }}
),

funder_years as (
    select distinct
        apportionment.indicator_id,
        population.lad_code,
        population.financial_year
    from {{ ref('apportionment_indicators') }} as apportionment
    inner join {{ ref('indicators') }} as indicator_catalogue
        on apportionment.indicator_id = indicator_catalogue.indicator_id
    inner join population
        on population.financial_year between apportionment.first_year and apportionment.last_year
    where indicator_catalogue.method = 'apportioned_funder_allocation'
),

funder_missing as (
    select
        funder_years.lad_code,
        districts.lad_name,
        funder_years.indicator_id,
        funder_years.lad_code as reference_lad_code,
        indicators.source_ids as missing_from,
        'no practice in or allocation for the district' as problem,
        count(*) as years
    from funder_years
    inner join districts on funder_years.lad_code = districts.lad_code
    inner join indicators on funder_years.indicator_id = indicators.indicator_id
    left join scaled
        on
            funder_years.lad_code = scaled.lad_code
            and funder_years.financial_year = scaled.financial_year
            and funder_years.indicator_id = scaled.indicator_id
    where scaled.lad_code is null
    group by all
)

select
    scaled.lad_code,
    districts.lad_name,
    scaled.indicator_id,
    coalesce(scaled.reference_lad_code, '(no 2019 district)') as reference_lad_code,
    indicators.source_ids as missing_from,
    case when scaled.indicator_value is null then 'missing' else 'negative' end as problem,
    count(*) as years
from scaled
inner join districts on scaled.lad_code = districts.lad_code
inner join indicators on scaled.indicator_id = indicators.indicator_id
where scaled.indicator_value is null or scaled.indicator_value < 0
group by all

union all

select * from funder_missing
