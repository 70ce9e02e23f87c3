-- Every place of the count: a 2018 district, an April-2023 district made of 2018 ones, or a named
-- pilot area, with its kind, region, member districts, the financial years the count covers it and
-- whether it is one of the 296 April-2023 districts that tile England in every year. [rule: count_rule]
with places as (
    select * from {{ ref('places') }}
),

members as (
    select * from {{ ref('place_districts') }}
),

districts as (
    select
        lad_code,
        lad_name,
        region_code
    from {{ ref('int_districts_described') }}
),

successors as (
    select distinct
        lad_code,
        lad_code_2023
    from {{ ref('int_districts_succeeded') }}
),

regions as (
    select distinct
        region_code,
        region_name
    from {{ ref('cra_regions') }}
    where region_kind = 'english_region'
),

years as (
    select
        place_id,
        min(financial_year) as first_year,
        max(financial_year) as last_year,
        count(*) as n_years
    from {{ ref('place_totals') }}
    group by all
),

membership as (
    select
        members.place_id,
        count(*) as n_districts,
        string_agg(districts.lad_code, ', ' order by districts.lad_name) as member_codes,
        string_agg(districts.lad_name, ', ' order by districts.lad_name) as member_names,
        string_agg(distinct regions.region_code, ', ' order by regions.region_code) as region_code,
        string_agg(distinct regions.region_name, ', ' order by regions.region_name) as region_name
    from members
    inner join districts on members.lad_code = districts.lad_code
    inner join regions on districts.region_code = regions.region_code
    group by all
),

final as (
    select
        places.place_id,
        places.place_name,
        places.place_kind,
        membership.region_code,
        membership.region_name,
        membership.n_districts,
        membership.member_codes,
        membership.member_names,
        years.first_year,
        years.last_year,
        years.n_years,
        coalesce(places.place_kind = 'district_2023' or successors.lad_code_2023 = places.place_id, false)
            as is_2023_district
    from places
    inner join membership on places.place_id = membership.place_id
    inner join years on places.place_id = years.place_id
    left join successors on places.place_id = successors.lad_code
)

select * from final
