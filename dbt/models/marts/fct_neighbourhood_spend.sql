-- Each district's count shared over its LSOAs: by the LSOA count of the indicator that placed it
-- where one is published (age bands), else by mid-2018 population. [rule: neighbourhood_rule]
-- 29 million rows that are a product of two small tables (289k district segments x 33k LSOA shares):
-- a view, not a table. Writing the rows cost 15 s of every build and 0.5 GB of warehouse, and any
-- query over them (one LSOA, one district, a national decile table) computes them in well under a
-- second (benchmarks/run.py). It is always current: a one-year run changes the segments it reads.
{{ config(materialized='view') }}

with district_spend as (
    select * from {{ ref('int_district_spend_summarised') }}
),

lsoas as (
    select
        lsoa_code,
        lad_code,
        imd_rank,
        lsoa_basis,
        district_share
    from {{ ref('int_lsoa_indicator_shares') }}
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
        case
            when lsoas.lsoa_basis = 'population' then 'apportioned_population'
            else 'apportioned_indicator'
        end as method,
        lsoas.lsoa_basis,
        district_spend.amount_gbp * lsoas.district_share as amount_gbp
    from district_spend
    inner join lsoas on district_spend.lad_code = lsoas.lad_code and district_spend.lsoa_basis = lsoas.lsoa_basis
)

select * from final
