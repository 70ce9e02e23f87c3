-- District-level ONS lookups in one place, renamed and cast: each row is a district code of some
-- vintage with what it belongs to. Which vintage a column is from is in its name.
with la as (
    select * from {{ source('ons', 'geo_la_codes') }}
),

county12 as (
    select * from {{ source('ons', 'geo_lad12_cty12') }}
),

police17 as (
    select * from {{ source('ons', 'geo_lad17_police_force') }}
),

fire17 as (
    select * from {{ source('ons', 'geo_lad17_fire_authority') }}
),

codes as (
    select lad_code from la
    union
    select lad_code from county12
    union
    select lad_code from police17
    union
    select lad_code from fire17
),

final as (
    select
        codes.lad_code,
        la.ladcd_active as lad_code_active,
        la.region_code,
        la.cauthcd as combined_authority_code,
        county12.county_code as county_code_2012,
        police17.police_force_code as police_force_code_2017,
        fire17.fire_authority_code as fire_authority_code_2017
    from codes
    left join la on codes.lad_code = la.lad_code
    left join county12 on codes.lad_code = county12.lad_code
    left join police17 on codes.lad_code = police17.lad_code
    left join fire17 on codes.lad_code = fire17.lad_code
)

select * from final
