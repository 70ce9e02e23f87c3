-- Mid-2024 population of every English district on April-2023 boundaries: a third party's CSV export of
-- ONS's MYE2 - Persons sheet (NOT ONS's workbook; source_origin third_party_derived).
-- [rule: population_year_rule] [rule: derived_source_rule]
with source as (
    select * from {{ source('third_party', 'ons_district_population_2024') }}
),

final as (
    select
        area_code as lad_code_2023,
        area_name as lad_name_2023,
        geography,
        cast(mid_year as integer) as mid_year,
        cast(population as bigint) as population,
        source_id,
        row_number,
        origin as source_origin
    from source
    where
        area_code like 'E0%'
        and geography in ('Unitary Authority', 'Metropolitan District', 'London Borough', 'Non-metropolitan District')
)

select * from final
