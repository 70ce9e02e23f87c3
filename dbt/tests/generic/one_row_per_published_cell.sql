{% test one_row_per_published_cell(model) %}
-- each published cell (file, sheet, row, column) appears once
select source_id, sheet, row_number, column_letter, count(*) as n
from {{ model }}
group by 1, 2, 3, 4
having count(*) > 1
{% endtest %}
