-- every place has a count for every financial year it is published (int_place_years: every year for
-- the April-2023 districts and the pilots, the years it existed for a 2018 district merged since)
-- shown in Dagster as a check on place_totals
{{ config(meta={'dagster': {'ref': {'name': 'place_totals'}}}) }}
with expected as (
    select
        place_id,
        financial_year
    from {{ ref('int_place_years') }}
)

select expected.* from expected
left join {{ ref('place_totals') }} as t using (place_id, financial_year)
where t.total_gbp is null
