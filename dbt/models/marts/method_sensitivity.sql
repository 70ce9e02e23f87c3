-- The count beside the population-only method, per place, year, COFOG group and indicator: how far
-- the place-level indicators moved each figure. [rule: indicator_rule]
with spend as (
    select * from {{ ref('fct_place_spend') }}
    where indicator_id is not null
),

totals as (
    select
        place_id,
        financial_year,
        population
    from {{ ref('place_totals') }}
),

streams as (
    select
        place_id,
        financial_year,
        cofog_division,
        cofog_group,
        indicator_id,
        sum(amount_gbp) as count_gbp,
        sum(population_only_gbp) as population_only_gbp
    from spend
    group by all
),

final as (
    select
        streams.place_id,
        streams.financial_year,
        streams.cofog_division,
        streams.cofog_group,
        streams.indicator_id,
        streams.count_gbp,
        streams.population_only_gbp,
        streams.count_gbp - streams.population_only_gbp as difference_gbp,
        (streams.count_gbp - streams.population_only_gbp) / totals.population as difference_per_head_gbp
    from streams
    inner join totals using (place_id, financial_year)
)

select * from final
