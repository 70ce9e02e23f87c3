-- Every authority in the revenue returns with the 2018 districts it serves. [rule: authority_coverage_rule]
-- Authorities the seed authority_coverage lists are found by E-code (authority_key = the E-code).
-- The others (authorities created since 2018, and the derived series' rows) are found by the ONS code
-- their file gives (authority_key 'ons:<code>'): a district code covers the 2018 districts that are,
-- or were merged into, that district [rule: reorganisation_rule]; a county, police force area, fire
-- authority, combined authority or region code covers the districts in it.
with coverage as (
    select * from {{ ref('authority_coverage') }}
),

mapped as (
    select * from {{ ref('int_districts_mapped') }}
),

districts as (
    select * from {{ ref('int_districts_described') }}
),

succeeded as (
    select
        lad_code,
        code
    from {{ ref('int_districts_succeeded') }}
),

ons_keys as (
    select distinct
        authority_key,
        ons_code
    from {{ ref('int_lg_returns_unioned') }}
    where authority_key like 'ons:%'
),

expanded as (
    select
        coverage.ecode as authority_key,
        mapped.lad_code_2018 as lad_code
    from coverage inner join mapped on coverage.area_code = mapped.any_lad_code
    where coverage.area_kind = 'district'
    union
    select
        coverage.ecode as authority_key,
        districts.lad_code
    from coverage inner join districts
        on
            (coverage.area_kind = 'county' and coverage.area_code = districts.county_code)
            or (coverage.area_kind = 'region' and coverage.area_code = districts.region_code)
            or (coverage.area_kind = 'police_force_area' and coverage.area_code = districts.police_force_code)
            or (coverage.area_kind = 'fire_authority' and coverage.area_code = districts.fire_authority_code)
            or (coverage.area_kind = 'combined_authority' and coverage.area_code = districts.combined_authority_code)
    union
    select
        ons_keys.authority_key,
        succeeded.lad_code
    from ons_keys inner join succeeded on ons_keys.ons_code = succeeded.code
    union
    select
        ons_keys.authority_key,
        districts.lad_code
    from ons_keys inner join districts on ons_keys.ons_code in (
        districts.county_code, districts.region_code, districts.police_force_code,
        districts.fire_authority_code, districts.combined_authority_code
    )
),

final as (
    select
        expanded.authority_key,
        expanded.lad_code,
        count(*) over (partition by expanded.authority_key) as n_districts
    from expanded
)

select * from final
