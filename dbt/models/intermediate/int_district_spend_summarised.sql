-- Each district's count by year, COFOG division and group and sector (departments, bodies, sources
-- and methods added together) and the LSOA basis of the indicator that placed it: what the
-- neighbourhood estimates share out. Incremental by financial
-- year (macro delete_selected_years).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_selected_years() }}") }}
with spend as (
    select * from {{ ref('fct_place_spend') }}
    where {{ selected_years('financial_year') }}
),

districts as (
    select place_id from {{ ref('places') }} where place_kind = 'district'
),

indicators as (
    select indicator_id, lsoa_basis from {{ ref('indicators') }}
),

final as (
    select
        spend.place_id as lad_code,
        spend.financial_year,
        spend.cofog_division,
        spend.cofog_group,
        spend.sector,
        coalesce(indicators.lsoa_basis, 'population') as lsoa_basis,
        sum(spend.amount_gbp) as amount_gbp
    from spend
    inner join districts on districts.place_id = spend.place_id
    left join indicators on indicators.indicator_id = spend.indicator_id
    group by all
)

select * from final
