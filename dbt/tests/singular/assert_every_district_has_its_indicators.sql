-- Every 2018 district has every indicator of seed indicators, not negative, in every year of the
-- count: a district missing from an indicator's file (or from the lookup to its 2019 district) is
-- listed by code and name with the indicator and the file it is missing from. [rule: indicator_rule]
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
