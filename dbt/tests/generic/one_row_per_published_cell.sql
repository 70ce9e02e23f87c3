{% test one_row_per_published_cell(model, year_column=none) %}
-- each published cell (file, sheet, row, column) appears once; with year_column, a one-year run checks
-- the files of the years it replaced (a cell belongs to one file, so to one year)
select source_id, sheet, row_number, column_letter, count(*) as n
from {{ model }}
where {{ selected_years(year_column) if year_column else 'true' }}
group by 1, 2, 3, 4
having count(*) > 1
{% endtest %}
