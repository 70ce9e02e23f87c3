-- The UN COFOG classification as published, one row per division, group and class.
with source as (
    select * from {{ source('un', 'cofog') }}
),

final as (
    select
        cofog_code,
        level as cofog_level,
        description,
        source_id,
        row_number
    from source
)

select * from final
