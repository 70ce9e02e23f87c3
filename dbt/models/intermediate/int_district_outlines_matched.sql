-- Each district outline with the April-2023 district code it draws: the file has names only, so the
-- outline joins on ONS's name of the district (MYE4, mid-2023 release). An outline that matches no name
-- keeps a null code and fails the not_null test on lad_code_2023. [rule: derived_source_rule]
with outlines as (
    select * from {{ ref('stg_third_party__district_outlines') }}
),

districts as (
    select distinct
        lad_code_2023,
        lad_name_2023
    from {{ ref('stg_ons__district_population_2023') }}
    where lad_code_2023 like 'E0%'
),

final as (
    select
        districts.lad_code_2023,
        outlines.district_name,
        outlines.geometry,
        outlines.source_id,
        outlines.source_file,
        outlines.row_number,
        outlines.source_origin
    from outlines
    left join districts on outlines.district_name = districts.lad_name_2023
)

select * from final
