-- Population of every 2018 English district per financial year of the count, and its share of its
-- region's population. [rule: population_year_rule]
with population as (
    select * from {{ ref('stg_ons__district_population') }}
),

districts as (
    select * from {{ ref('int_districts_described') }}
),

yearly as (
    select
        districts.lad_code,
        districts.region_code,
        population.mid_year,
        cast(population.mid_year as varchar) || '-' || right(cast(population.mid_year + 1 as varchar), 2) as financial_year,
        population.population
    from districts
    inner join population on population.lad_code = districts.lad_code
    where population.mid_year between {{ var('first_count_year') }} and {{ var('last_count_year') }}
),

final as (
    select
        *,
        population / sum(population) over (partition by region_code, financial_year) as region_share
    from yearly
)

select * from final
