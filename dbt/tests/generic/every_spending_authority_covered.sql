{% test every_spending_authority_covered(model) %}
-- every authority-year with counted spending in the RS returns reaches at least one district:
-- an authority without a row in seed authority_coverage (or whose area has no districts) fails here.
-- A one-year run checks the years it replaced (macro selected_years).
with counted as (
    select r.ecode, r.financial_year, any_value(r.authority_name) as authority_name, sum(r.amount_gbp) as amount_gbp
    from {{ ref('stg_mhclg__rs_returns') }} as r
    inner join {{ ref('cipfa_to_cofog') }} as c on c.line_label = r.line_label_key
    where r.measure = 'net_current_expenditure'
      and c.treatment in ('service', 'housing_benefit', 'parish_precept')
      and r.financial_year in (select financial_year from {{ ref('int_district_population_shared') }})
      and {{ selected_years('r.financial_year') }}
    group by 1, 2
    having sum(abs(r.amount_gbp)) > 0
)
select counted.*
from counted
where not exists (
    select 1 from {{ model }} as m where m.ecode = counted.ecode and m.financial_year = counted.financial_year
)
{% endtest %}
