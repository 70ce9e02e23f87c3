-- NHS England's allocations: 42 ICBs on every sheet and year, and the ICB rows (with what NHS England
-- holds centrally per region, other primary care only) adding to the published England row within
-- £1 thousand. A missing or doubled ICB row, or a misread cell, lists the allocation, year and sheet.
-- [rule: funder_allocation_rule]
-- shown in Dagster as a check on stg_nhs__icb_allocations
{{ config(meta={'dagster': {'ref': {'name': 'stg_nhs__icb_allocations'}}}) }}

with published as (
    select * from {{ source('nhs', 'nhs_icb_allocations') }}
),

icbs as (
    select
        allocation,
        financial_year,
        count(*) as icbs,
        sum(allocation_gbp) / 1000 as icb_gbp_thousand
    from {{ ref('stg_nhs__icb_allocations') }}
    group by all
),

england as (
    select
        allocation,
        financial_year,
        any_value(sheet) as sheet,
        any_value(row_number) as england_row,
        sum(value_gbp_thousand) filter (where area_kind = 'england') as england_gbp_thousand,
        coalesce(sum(value_gbp_thousand) filter (where area_kind = 'held_by_nhs_england'), 0) as held_gbp_thousand
    from published
    where area_kind in ('england', 'held_by_nhs_england')
    group by all
)

select
    england.allocation,
    england.financial_year,
    england.sheet,
    england.england_row,
    icbs.icbs,
    icbs.icb_gbp_thousand + england.held_gbp_thousand as icbs_and_held_gbp_thousand,
    england.england_gbp_thousand
from england
left join icbs on england.allocation = icbs.allocation and england.financial_year = icbs.financial_year
where
    coalesce(icbs.icbs, 0) <> 42
    or abs(icbs.icb_gbp_thousand + england.held_gbp_thousand - england.england_gbp_thousand) > 1
