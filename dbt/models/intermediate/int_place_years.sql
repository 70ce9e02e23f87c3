-- Every place and financial year the count publishes, with its population. A 2018 district merged
-- since (e.g. Allerdale, into Cumberland in April 2023) is a place for the years it existed and is
-- not published after: its successor, an April-2023 district, is a place in every year, the sum of
-- its predecessors. Named pilot places hold in every year. [rule: reorganisation_rule]
with places as (
    select * from {{ ref('places') }}
),

members as (
    select * from {{ ref('place_districts') }}
),

population as (
    select * from {{ ref('int_district_population_shared') }}
),

succeeded as (
    select distinct
        lad_code,
        last_financial_year
    from {{ ref('int_districts_succeeded') }}
),

final as (
    select
        places.place_id,
        population.financial_year,
        sum(population.population) as population,
        cast(max(population.mid_year) as integer) as population_mid_year,
        -- third_party_derived when any district's population comes from a third party's file (mid-2024)
        max(population.population_origin) as population_origin
    from places
    inner join members on places.place_id = members.place_id
    inner join population on members.lad_code = population.lad_code
    left join succeeded on members.lad_code = succeeded.lad_code
    where
        not (
            places.place_kind = 'district'
            and population.financial_year > coalesce(succeeded.last_financial_year, '9999')
        )
    group by all
)

select * from final
