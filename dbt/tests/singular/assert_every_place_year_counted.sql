-- every place has a count for every financial year of the count
{{ config(meta={'dagster': {'ref': {'name': 'place_totals'}}}) }}  -- shown in Dagster as a check on place_totals
with years as (select distinct financial_year from {{ ref('int_district_population_shared') }}),
expected as (select p.place_id, y.financial_year from {{ ref('places') }} p cross join years y)
select expected.* from expected
left join {{ ref('place_totals') }} t using (place_id, financial_year)
where t.total_gbp is null
