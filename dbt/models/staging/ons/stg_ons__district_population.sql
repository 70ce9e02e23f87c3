-- ONS mid-year estimates per district (2018 codes), renamed and cast.
with source as (
    select * from {{ source('ons', 'ons_district_population') }}
),

final as (
    select
        area_code as lad_code,
        area_name as lad_name,
        country,
        cast(mid_year as integer) as mid_year,
        cast(population as bigint) as population,
        source_id,
        row_number
    from source
)

select * from final
