-- ONS MYE5 populations of countries, regions, counties and districts, renamed and cast.
with source as (
    select * from {{ source('ons', 'ons_area_population') }}
),

final as (
    select
        area_code,
        area_name,
        geography,
        cast(mid_year as integer) as mid_year,
        cast(population as bigint) as population
    from source
)

select * from final
