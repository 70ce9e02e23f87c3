-- The UN COFOG classification the count is coded to: every division, group and class with its
-- label, for readable breakdowns without a join to raw tables.
with cofog as (
    select * from {{ ref('stg_un__cofog') }}
),

final as (
    select
        cofog_code,
        cofog_level,
        left(cofog_code, 2) as cofog_division,
        case when cofog_level in ('group', 'class') then left(cofog_code, 4) end as cofog_group,
        description,
        cofog_code || ' ' || description as label
    from cofog
)

select * from final
