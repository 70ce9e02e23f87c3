-- CRA rows used for the count: for each financial year, the latest vintage that publishes it by
-- region (CRA 2025 wins over CRA 2024 ... over CRA 2010), in the sectors seed cra_sectors counts
-- (never BOE or PSP, the debt interest of the Bank of England and of public sector pensions).
-- [rule: vintage_rule] [rule: cra_sectors_rule]
with cra as (
    select * from {{ ref('stg_hmt__cra') }}
),

sectors as (
    select sector from {{ ref('cra_sectors') }}
    where counted
),

eligible as (
    select
        cra.*,
        cast(regexp_extract(cra.source_id, '^cra_(\d{4})', 1) as integer) as vintage_rank
    from cra
    inner join sectors on cra.sector = sectors.sector
    where
        cra.source_id <> 'cra_2010_ch10'  -- ch.10 is England-level detail of ch.9: never also counted
        and not (cra.source_id = 'cra_2010_ch9' and cra.financial_year = '2010-11')  -- plans, not outturn
),

latest as (
    select
        financial_year,
        max(vintage_rank) as vintage_rank
    from eligible
    group by 1
),

final as (
    select eligible.* exclude (vintage_rank)
    from eligible
    inner join latest using (financial_year, vintage_rank)
)

select * from final
