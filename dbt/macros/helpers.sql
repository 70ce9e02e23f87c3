{#
  The financial years a run covers. Dagster passes the years of the partitions it is materialising
  as `--vars '{"years": ["2016-17"]}'`; an empty or absent list (a plain `dbt build`) covers every
  year. The year tables replace those years' rows; the gates check them.
#}
{% macro selected_years(column='financial_year') -%}
  {%- set years = var('years', []) -%}
  {%- if years is string -%}{%- set years = years.split(',') | map('trim') | reject('equalto', '') | list -%}{%- endif -%}
  {%- if years | length == 0 -%}
    true
  {%- else -%}
    {{ column }} in ({% for y in years %}'{{ y }}'{% if not loop.last %}, {% endif %}{% endfor %})
  {%- endif -%}
{%- endmacro %}


{#
  CRA sometimes prints the department itself as an organisation with another spelling
  ("HM Revenue & Customs" under "HM Revenue and Customs"): compare the two this way. [rule: ndpb_rule]
#}
{% macro is_department_itself(organisation, department) -%}
  (lower(replace({{ organisation }}, '&', 'and')) = lower(replace({{ department }}, '&', 'and')))
{%- endmacro %}

{#
  Tables built per financial year (int_spend_with_returns, fct_place_spend,
  int_district_spend_summarised) are incremental: a run deletes the years it covers, then inserts
  them again from its inputs filtered to those years, so a one-year run leaves the other years'
  rows as they were. A first build (no table yet) creates the table from every year it covers.
#}
{% macro delete_selected_years() -%}
  {%- if is_incremental() -%}
    delete from {{ this }} where {{ selected_years('financial_year') }}
  {%- else -%}
    select 1
  {%- endif -%}
{%- endmacro %}

{#
  The same body's figure for the same year and COFOG division on both sides of a join: the cell a
  partner return replaces. [rule: returns_rule]
#}
{% macro same_body_cell(left, right) -%}
  {{ left }}.financial_year = {{ right }}.financial_year and {{ left }}.sector = {{ right }}.sector
  and {{ left }}.department = {{ right }}.department and {{ left }}.organisation = {{ right }}.organisation
  and {{ left }}.cofog_division = {{ right }}.cofog_division
{%- endmacro %}

{#
  A money cell printed as text ("£2, 767, 639", "£44,240,000") as pounds; null where no plain figure
  is printed ("See entry for ...", "< 5000", "-"). [rule: ndpb_rule]
#}
{% macro parse_pounds(column) -%}
  try_cast(replace(replace(regexp_extract({{ column }}, '^\s*£?\s*([0-9][0-9,\s]*(\.[0-9]+)?)\s*$', 1), ',', ''), ' ', '') as double)
{%- endmacro %}

{#
  Each district-year's count in a relation with lad_code, financial_year and amount_gbp, for the
  years a run covers: what the tests that roll spending up or down compare with the district's count.
#}
{% macro district_year_totals(relation, total='total_gbp') -%}
    select
        lad_code,
        financial_year,
        sum(amount_gbp) as {{ total }}
    from {{ relation }}
    where {{ selected_years('financial_year') }}
    group by 1, 2
{%- endmacro %}
