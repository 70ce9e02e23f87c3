-- ONS's English regions (Open Geography lookup): code and name.
with source as (
    select * from {{ source('ons', 'geo_region_codes') }}
),

final as (
    select
        region_code,
        rgnnm as region_name,
        source_id,
        row_number
    from source
    where region_code like 'E12%'
)

select * from final
