-- Non-identifiable spending (defence, debt interest, overseas...) is not in the count. For users who
-- want to add it, this gives the UK per-head share per year, clearly separate.
with cra as (
    select * from {{ ref('int_cra_vintages_deduplicated') }}
    where not is_identifiable
),

uk_population as (
    select
        mid_year,
        population
    from {{ ref('stg_ons__area_population') }}
    where area_code = 'K02000001'
),

totals as (
    select
        financial_year,
        source_id,
        sum(amount_gbp) as non_identifiable_gbp
    from cra
    group by all
),

final as (
    select
        totals.financial_year,
        totals.source_id,
        totals.non_identifiable_gbp,
        uk_population.population as uk_population,
        totals.non_identifiable_gbp / uk_population.population as per_head_gbp
    from totals
    inner join uk_population on uk_population.mid_year = cast(left(totals.financial_year, 4) as integer)
    where
        cast(
            left(totals.financial_year, 4) as integer
        ) between {{ var('first_count_year') }} and {{ var('last_count_year') }}
)

select * from final
