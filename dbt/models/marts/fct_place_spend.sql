-- The Total Place high-level count: identifiable public spending per place and financial year, by
-- COFOG division and group, sector, department and body, source and method. A multi-district place
-- is the sum of its districts. [rule: count_rule]
-- Partner returns are applied upstream (int_spend_with_returns). [rule: returns_rule]
-- indicator_id names the indicator that placed each estimate. [rule: indicator_rule]
-- Incremental by financial year (macro delete_selected_years).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_selected_years() }}") }}
with district_spend as (
    select * from {{ ref('int_spend_with_returns') }}
    where {{ selected_years('financial_year') }}
),

places as (
    select * from {{ ref('place_districts') }}
),

final as (
    select
        places.place_id,
        district_spend.financial_year,
        district_spend.cofog_division,
        district_spend.cofog_group,
        district_spend.sector,
        district_spend.department,
        district_spend.organisation,
        district_spend.source_id,
        district_spend.method,
        district_spend.indicator_id,
        district_spend.cofog_group_basis,
        sum(district_spend.amount_gbp) as amount_gbp,
        sum(district_spend.population_only_gbp) as population_only_gbp,
        district_spend.return_reference
    from district_spend
    inner join places on places.lad_code = district_spend.lad_code
    group by all
)

select * from final
