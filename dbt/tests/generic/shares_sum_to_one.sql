{% test shares_sum_to_one(model, group_by, share) %}
-- every group's shares add to one
select {{ group_by | join(', ') }}, sum({{ share }}) as total_share
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(sum({{ share }}) - 1) > 1e-9
{% endtest %}
