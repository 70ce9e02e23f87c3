{% test every_spending_authority_covered(model) %}
-- every authority-year with counted spending in the revenue returns (RS, RSX or the derived series)
-- reaches at least one district: an authority the seed authority_coverage does not list and whose ONS
-- code names no district, county, police force, fire authority, combined authority or region fails here.
-- A one-year run checks the years it replaced (macro selected_years).
with counted as (
    select r.authority_key, r.financial_year, any_value(r.authority_name) as authority_name,
           any_value(r.ons_code) as ons_code, any_value(r.source_id) as source_id, sum(r.amount_gbp) as amount_gbp
    from {{ ref('int_lg_returns_unioned') }} as r
    inner join {{ ref('cipfa_to_cofog') }} as c on c.line_label = r.line_label_key
    where c.treatment in (select treatments.treatment from {{ ref('treatments') }} as treatments where treatments.is_counted)
      and r.financial_year in (select financial_year from {{ ref('int_district_population_shared') }})
      and {{ selected_years('r.financial_year') }}
    group by 1, 2
    having sum(abs(r.amount_gbp)) > 0
)
select counted.*
from counted
where not exists (
    select 1 from {{ model }} as m where m.ecode = counted.authority_key and m.financial_year = counted.financial_year
)
{% endtest %}
