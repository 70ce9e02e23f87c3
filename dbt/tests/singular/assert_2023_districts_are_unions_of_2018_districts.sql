-- the reorganisation mapping: every English district of April 2023 (MYE4) is the union of 2018
-- districts, every 2018 district lies in exactly one of them, and their populations agree: the 2018
-- districts' MYEB3 mid-2011 figures add up exactly to the 2023 district's MYE4 mid-2011 figure (both
-- rest on Census 2011 and were not revised; later years were). [rule: reorganisation_rule]
-- shown in Dagster as a check on int_districts_succeeded
{{ config(meta={'dagster': {'ref': {'name': 'int_districts_succeeded'}}}) }}

with succession as (
    select
        lad_code,
        lad_code_2023
    from {{ ref('int_districts_succeeded') }}
    where is_2023_district
),

old as (
    select
        lad_code,
        population
    from {{ ref('stg_ons__district_population') }}
    where country = 'E' and mid_year = 2011
),

new as (
    select
        lad_code_2023,
        population
    from {{ ref('stg_ons__district_population_2023') }}
    where mid_year = 2011
),

per_2018 as (
    select
        old.lad_code,
        count(succession.lad_code_2023) as n_successors
    from old left join succession using (lad_code)
    group by 1
),

per_2023 as (
    select
        new.lad_code_2023,
        any_value(new.population) as population_2023,
        sum(old.population) as population_2018,
        count(old.lad_code) as n_predecessors
    from new
    left join succession using (lad_code_2023)
    left join old on succession.lad_code = old.lad_code
    group by 1
)

select
    lad_code as code,
    'a 2018 district with ' || n_successors || ' April-2023 districts' as problem
from per_2018
where n_successors <> 1
union all
select
    lad_code_2023 as code,
    'an April-2023 district with ' || n_predecessors || ' predecessors, mid-2011 population '
    || coalesce(population_2018, 0) || ' against ' || population_2023 as problem
from per_2023
where n_predecessors = 0 or abs(population_2018 - population_2023) > 0.5
