-- Population of every 2018 English district per financial year of the count, and its share of its
-- region's population, from one consistent series per district. [rule: population_year_rule]
--   mid-2008 to mid-2010: MYEB3 (2018 codes), as published;
--   mid-2011 to mid-2023: MYE4 of the mid-2023 release (April-2023 districts, revised after Census
--     2021; mid-2011 equals MYEB3's); a 2018 district merged into a larger 2023 district gets that
--     district's figure times its share of it in MYEB3 at the same mid-year (mid-2018 for later years);
--   mid-2024: a third party's CSV export of ONS's mid-2024 MYE2 sheet (April-2023 districts; NOT ONS's
--     workbook: population_origin third_party_derived, and population_basis says so).
with old_series as (
    select
        lad_code,
        mid_year,
        population,
        source_id
    from {{ ref('stg_ons__district_population') }}
    where country = 'E'
),

new_series as (
    select
        lad_code_2023,
        lad_name_2023,
        mid_year,
        population,
        source_id,
        'publisher' as source_origin
    from {{ ref('stg_ons__district_population_2023') }}
    union all
    select
        lad_code_2023,
        lad_name_2023,
        mid_year,
        population,
        source_id,
        source_origin
    from {{ ref('stg_third_party__district_population_2024') }}
),

districts as (
    select * from {{ ref('int_districts_described') }}
),

succession as (
    select
        lad_code,
        lad_code_2023
    from {{ ref('int_districts_succeeded') }}
    where is_2023_district
),

years as (
    select
        count_years.y as fy_start,
        cast(count_years.y as varchar) || '-' || right(cast(count_years.y + 1 as varchar), 2) as financial_year,
        least(count_years.y, (select max(new_series.mid_year) from new_series)) as mid_year
    from range({{ var('first_count_year') }}, {{ var('last_count_year') }} + 1) as count_years (y)
),

-- each 2018 district's share of its 2023 district in MYEB3, mid-2011 to mid-2018
shares as (
    select
        succession.lad_code,
        succession.lad_code_2023,
        old_series.mid_year,
        old_series.population
        / sum(old_series.population) over (partition by succession.lad_code_2023, old_series.mid_year) as share
    from succession
    inner join old_series on succession.lad_code = old_series.lad_code
    where old_series.mid_year between 2011 and 2018
),

yearly as (
    select
        districts.lad_code,
        districts.region_code,
        years.mid_year,
        years.financial_year,
        old_series.population,
        old_series.source_id as population_source_id,
        'publisher' as population_origin,
        'published' as population_basis
    from districts
    cross join years
    inner join old_series on districts.lad_code = old_series.lad_code and years.mid_year = old_series.mid_year
    where years.mid_year < 2011
    union all
    select
        districts.lad_code,
        districts.region_code,
        years.mid_year,
        years.financial_year,
        new_series.population * shares.share as population,
        new_series.source_id as population_source_id,
        new_series.source_origin as population_origin,
        case
            when years.fy_start > years.mid_year then 'mid-' || years.mid_year || ' held (no later estimate yet)'
            when shares.share = 1 and new_series.source_origin = 'third_party_derived'
                then 'published (a third party''s export of ONS''s sheet)'
            when shares.share = 1 then 'published'
            when new_series.source_origin = 'third_party_derived'
                then
                    'share of ' || new_series.lad_name_2023 || ' at mid-' || least(years.mid_year, 2018)
                    || ' (a third party''s export)'
            else 'share of ' || new_series.lad_name_2023 || ' at mid-' || least(years.mid_year, 2018)
        end as population_basis
    from districts
    cross join years
    inner join shares on districts.lad_code = shares.lad_code and shares.mid_year = least(years.mid_year, 2018)
    inner join new_series on shares.lad_code_2023 = new_series.lad_code_2023 and years.mid_year = new_series.mid_year
    where years.mid_year >= 2011
),

final as (
    select
        *,
        population / sum(population) over (partition by region_code, financial_year) as region_share
    from yearly
)

select * from final
