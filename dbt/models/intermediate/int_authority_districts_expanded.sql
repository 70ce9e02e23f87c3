-- Seed authority_coverage expanded to 2018 districts: every authority in the revenue returns, the
-- districts it serves. [rule: authority_coverage_rule]
with coverage as (
    select * from {{ ref('authority_coverage') }}
),

mapped as (
    select * from {{ ref('int_districts_mapped') }}
),

districts as (
    select * from {{ ref('int_districts_described') }}
),

expanded as (
    select coverage.ecode, mapped.lad_code_2018 as lad_code
    from coverage inner join mapped on mapped.any_lad_code = coverage.area_code
    where coverage.area_kind = 'district'
    union
    select coverage.ecode, districts.lad_code
    from coverage inner join districts on
        (coverage.area_kind = 'county' and districts.county_code = coverage.area_code)
        or (coverage.area_kind = 'region' and districts.region_code = coverage.area_code)
        or (coverage.area_kind = 'police_force_area' and districts.police_force_code = coverage.area_code)
        or (coverage.area_kind = 'fire_authority' and districts.fire_authority_code = coverage.area_code)
        or (coverage.area_kind = 'combined_authority' and districts.combined_authority_code = coverage.area_code)
),

final as (
    select
        expanded.ecode,
        expanded.lad_code,
        count(*) over (partition by expanded.ecode) as n_districts
    from expanded
)

select * from final
