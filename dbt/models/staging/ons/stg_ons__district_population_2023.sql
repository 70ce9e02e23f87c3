-- ONS mid-2023 estimates (MYE4): every English district on April-2023 boundaries, mid-2011 to
-- mid-2023, revised after Census 2021. [rule: population_year_rule]
with source as (
    select * from {{ source('ons', 'ons_district_population_2023') }}
),

final as (
    select
        area_code as lad_code_2023,
        area_name as lad_name_2023,
        geography,
        cast(mid_year as integer) as mid_year,
        cast(population as bigint) as population,
        source_id,
        row_number
    from source
    where
        area_code like 'E0%'
        and geography in ('Unitary Authority', 'Metropolitan District', 'London Borough', 'Non-metropolitan District')
)

select * from final
