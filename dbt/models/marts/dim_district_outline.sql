-- The outline of every April-2023 district (the 296 places of dim_place with is_2023_district), for
-- maps: GeoJSON geometry text, from a third party's cut of ONS's May-2024 boundaries (NOT ONS's file;
-- source_origin third_party_derived). A merged 2018 district is drawn inside its 2023 district.
-- [rule: derived_source_rule]
with outlines as (
    select * from {{ ref('int_district_outlines_matched') }}
),

places as (
    select * from {{ ref('dim_place') }}
),

final as (
    select
        places.place_id,
        places.place_name,
        places.region_code,
        places.region_name,
        places.member_names,
        outlines.district_name as outline_name,
        outlines.geometry,
        outlines.source_id,
        outlines.source_file,
        outlines.row_number,
        outlines.source_origin
    from places
    inner join outlines on places.place_id = outlines.lad_code_2023
    where places.is_2023_district
)

select * from final
