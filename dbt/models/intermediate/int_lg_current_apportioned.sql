-- Local government current spending per district and year from the revenue returns.
-- [rule: lg_from_returns_rule] [rule: transfers_rule] [rule: multi_district_rule]
-- Incremental by financial year (macro delete_selected_years): a one-year run replaces that year's rows.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_selected_years() }}") }}
with returns as (
    select * from {{ ref('stg_mhclg__rs_returns') }}
    where measure = 'net_current_expenditure'
      and {{ selected_years('financial_year') }}
),

crosswalk as (
    select * from {{ ref('cipfa_to_cofog') }}
),

coverage as (
    select * from {{ ref('int_authority_districts_expanded') }}
),

population as (
    select * from {{ ref('int_district_population_shared') }}
),

counted as (
    select
        returns.source_id,
        returns.financial_year,
        returns.ecode,
        returns.authority_name,
        crosswalk.cofog_division,
        nullif(crosswalk.cofog_group, '') as cofog_group,
        sum(returns.amount_gbp) as amount_gbp
    from returns
    inner join crosswalk on crosswalk.line_label = returns.line_label_key
    where crosswalk.treatment in ('service', 'housing_benefit', 'parish_precept')
    group by all
),

shares as (
    select
        coverage.ecode,
        coverage.lad_code,
        coverage.n_districts,
        population.financial_year,
        population.population / sum(population.population) over (partition by coverage.ecode, population.financial_year) as share
    from coverage
    inner join population on population.lad_code = coverage.lad_code
),

final as (
    select
        shares.lad_code,
        counted.financial_year,
        counted.cofog_division,
        counted.cofog_group,
        'LG' as sector,
        'Local government' as department,
        counted.authority_name as organisation,
        counted.ecode,
        counted.source_id,
        case when shares.n_districts = 1 then 'actual' else 'apportioned_population' end as method,
        counted.amount_gbp * shares.share as amount_gbp
    from counted
    inner join shares on shares.ecode = counted.ecode and shares.financial_year = counted.financial_year
)

select * from final
