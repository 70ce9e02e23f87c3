-- audit of seed cipfa_to_cofog: for every authority-year, the service lines it counts add up to the
-- return's own TOTAL SERVICE EXPENDITURE (line 699), so no service line is missed or counted twice.
-- A one-year run checks the years it replaced (macro selected_years).
-- shown in Dagster as a check on stg_mhclg__rs_returns
{{ config(meta={'dagster': {'ref': {'name': 'stg_mhclg__rs_returns'}}}) }}

with r as (
    select *
    from {{ ref('stg_mhclg__rs_returns') }}
    where
        measure = 'net_current_expenditure'
        and {{ selected_years('financial_year') }}
),

c as (select * from {{ ref('cipfa_to_cofog') }}),

services as (
    select
        r.ecode,
        r.financial_year,
        sum(r.amount_gbp) as services_gbp
    from r inner join c on r.line_label_key = c.line_label and c.treatment = 'service'
    group by 1, 2
),

totals as (
    select
        ecode,
        financial_year,
        sum(amount_gbp) as total_gbp
    from r
    where line_label_key in ('total service expenditure', 'total service expenditure (total of lines 190 to 698)')
    group by 1, 2
)

select
    totals.*,
    services.services_gbp
from totals
left join services on totals.ecode = services.ecode and totals.financial_year = services.financial_year
-- published in £ thousand, and a few 2007-08 to 2010-11 returns differ from their own total by up to 0.06%:
-- allow rounding and 0.1%
where abs(coalesce(services.services_gbp, 0) - totals.total_gbp) > greatest(10000, 0.001 * abs(totals.total_gbp))
