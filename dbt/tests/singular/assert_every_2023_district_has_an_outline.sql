-- Every April-2023 district (dim_place.is_2023_district) has exactly one outline in dim_district_outline,
-- and every outline of the file draws one of them: the name join leaves nothing out. Rows returned are
-- the districts without an outline and the outlines without a district.
select
    places.place_id,
    places.place_name,
    'no outline' as problem
from {{ ref('dim_place') }} as places
left join {{ ref('dim_district_outline') }} as outlines on places.place_id = outlines.place_id
where places.is_2023_district and outlines.place_id is null
union all
select
    lad_code_2023 as place_id,
    district_name as place_name,
    'outline matches no 2023 district by name' as problem
from {{ ref('int_district_outlines_matched') }}
where lad_code_2023 is null
