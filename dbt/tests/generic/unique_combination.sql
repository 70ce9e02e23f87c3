{% test unique_combination(model, columns) %}
-- no two rows share these columns. A key that includes financial_year is checked, in a one-year run,
-- for the years the run replaced only (macro selected_years): a duplicate cannot span two years.
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
where {{ selected_years('financial_year') if 'financial_year' in columns else 'true' }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
