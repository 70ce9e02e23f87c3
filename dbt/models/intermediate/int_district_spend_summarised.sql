-- Each district's count by year, COFOG division and group and sector (departments, bodies, sources
-- and methods added together) and the LSOA basis of the indicator that placed it: what the
-- neighbourhood estimates share out. Read from the district rows (int_spend_with_returns), so a
-- 2018 district merged since still carries its LSOAs in the years after its merger (its successor's
-- LSOA rows are its predecessors'). Incremental by financial year (macro delete_selected_years).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_selected_years() }}") }}
with spend as (
    select * from {{ ref('int_spend_with_returns') }}
    where {{ selected_years('financial_year') }}
),

indicators as (
    select
        indicator_id,
        lsoa_basis
    from {{ ref('indicators') }}
),

final as (
    select
        spend.lad_code,
        spend.financial_year,
        spend.cofog_division,
        spend.cofog_group,
        spend.sector,
        coalesce(indicators.lsoa_basis, 'population') as lsoa_basis,
        sum(spend.amount_gbp) as amount_gbp
    from spend
    left join indicators on spend.indicator_id = indicators.indicator_id
    group by all
)

select * from final
