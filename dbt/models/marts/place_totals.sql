-- One row per place and financial year: total identifiable spending, population, per head, and the
-- share of the total that comes from actual local returns and from indicators, beside the
-- population-only total, the total and per head in real terms (prices of var real_terms_base_year),
-- and the error band: each method's money times its measured error (marts.place_error_bands),
-- added linearly within an indicator and in quadrature across them.
-- [rule: indicator_rule] [rule: real_terms_rule] [rule: error_band_rule]
with spend as (
    select * from {{ ref('fct_place_spend') }}
),

places as (
    select * from {{ ref('places') }}
),

methods as (
    select * from {{ ref('methods') }}
),

place_population as (
    select * from {{ ref('int_place_years') }}
),

prices as (
    select * from {{ ref('dim_financial_year') }}
),

placed_errors as (
    select * from {{ ref('place_error_bands') }}
),

bands as (
    select
        place_id,
        financial_year,
        sqrt(sum(error_gbp * error_gbp)) as band_gbp,
        count(*) filter (where error_gbp is null) as unmeasured_methods
    from placed_errors
    group by all
),

totals as (
    select
        spend.place_id,
        spend.financial_year,
        sum(spend.amount_gbp) as total_gbp,
        sum(spend.amount_gbp) filter (where methods.basis = 'actual') as actual_gbp,
        sum(spend.amount_gbp) filter (where methods.basis = 'indicator') as indicator_gbp,
        sum(spend.population_only_gbp) as population_only_total_gbp,
        sum(spend.amount_gbp) filter (where spend.source_origin = 'third_party_derived') as derived_source_gbp,
        sum(spend.amount_gbp) filter (where spend.fill_rule is not null) as filled_gbp
    from spend
    left join methods on spend.method = methods.method  -- a method missing from the seed fails its relationships test
    group by all
),

final as (
    select
        places.place_id,
        places.place_name,
        places.place_kind,
        place_population.financial_year,
        place_population.population,
        place_population.population_mid_year,
        place_population.population_origin,
        totals.total_gbp,
        totals.total_gbp / place_population.population as per_capita_gbp,
        coalesce(totals.actual_gbp, 0) / totals.total_gbp as share_actual,
        coalesce(totals.indicator_gbp, 0) / totals.total_gbp as share_indicator,
        totals.population_only_total_gbp,
        totals.population_only_total_gbp / place_population.population as population_only_per_capita_gbp,
        coalesce(totals.derived_source_gbp, 0) <> 0 as uses_derived_source,
        coalesce(totals.derived_source_gbp, 0) / totals.total_gbp as share_derived_source,
        coalesce(totals.filled_gbp, 0) / totals.total_gbp as share_filled,
        totals.total_gbp * prices.real_terms_factor as total_real_gbp,
        totals.total_gbp * prices.real_terms_factor / place_population.population as per_capita_real_gbp,
        totals.total_gbp - bands.band_gbp as total_low_gbp,
        totals.total_gbp + bands.band_gbp as total_high_gbp,
        (totals.total_gbp - bands.band_gbp) / place_population.population as per_capita_low_gbp,
        (totals.total_gbp + bands.band_gbp) / place_population.population as per_capita_high_gbp,
        bands.band_gbp / totals.total_gbp as band_share,
        bands.unmeasured_methods
    from places
    inner join place_population on places.place_id = place_population.place_id
    left join totals on places.place_id = totals.place_id and place_population.financial_year = totals.financial_year
    left join prices on place_population.financial_year = prices.financial_year
    left join bands on places.place_id = bands.place_id and place_population.financial_year = bands.financial_year
)

select * from final
