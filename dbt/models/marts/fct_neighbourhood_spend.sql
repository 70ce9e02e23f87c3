-- Each district's count shared over its LSOAs by their mid-2018 populations. [rule: neighbourhood_rule]
-- 29 million rows: kept lean (LSOA attributes are in dim_lsoa) and incremental by financial year, so a
-- one-year run replaces that year's rows only (macro selected_years).
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ yearly_replace() }}") }}

with district_spend as (
    select * from {{ ref('int_district_spend_summarised') }}
),

lsoas as (
    select lsoa_code, lad_code, imd_rank, district_share from {{ ref('int_lsoas_shared') }}
),

final as (
    select
        lsoas.lsoa_code,
        lsoas.lad_code,
        lsoas.imd_rank,
        district_spend.financial_year,
        district_spend.cofog_division,
        district_spend.cofog_group,
        district_spend.sector,
        'apportioned_population' as method,
        district_spend.amount_gbp * lsoas.district_share as amount_gbp
    from district_spend
    inner join lsoas on lsoas.lad_code = district_spend.lad_code
    where {{ selected_years('district_spend.financial_year') }}
)

select * from final
