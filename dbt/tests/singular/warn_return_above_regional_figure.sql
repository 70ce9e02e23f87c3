-- A partner return above the body's whole regional figure leaves the region's other districts with a
-- negative share of it (conservation still holds). Listed as a warning for a reviewer: either the
-- return or the published regional figure is wrong. [rule: returns_rule]
{{ config(severity='warn') }}
select
    lad_code,
    financial_year,
    sector,
    department,
    organisation,
    cofog_division,
    sum(amount_gbp) as amount_gbp
from {{ ref('int_spend_with_returns') }}
where
    method in (
        select methods.method from {{ ref('methods') }} as methods
        where methods.basis in ('population', 'indicator')
    )
    and (financial_year, sector, department, organisation, cofog_division) in (
        select (
            returned.financial_year,
            returned.sector,
            returned.department,
            returned.organisation,
            returned.cofog_division
        )
        from {{ ref('int_spend_with_returns') }} as returned
        where returned.method = 'actual_return'
    )
group by all
having sum(amount_gbp) < -1
