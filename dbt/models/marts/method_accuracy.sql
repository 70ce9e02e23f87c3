-- How far each proxy is from a better figure for the same stream and years, per district: the district's
-- share of its region under the proxy against its share under the comparator. Four comparisons:
--   health's need-weighted estimate and head count against NHS England's own allocations (2022-23 on);
--   head count against the councils' own returns for local government current spending (every year);
--   the funder's allocation itself: its patients counted where the surgery is (registered patients)
--   against where people live (ONS resident population), the error the surgery's location brings.
-- The absolute error of a district's share is relative to its comparator share (0.1 = 10% off); the
-- share misplaced is half the sum of the absolute share differences in a region (the money that sits
-- in the wrong district), averaged over the regions. [rule: method_accuracy_rule]
with indicators as (
    select
        lad_code,
        region_code,
        financial_year,
        indicator_id,
        indicator_value,
        region_share
    from {{ ref('int_district_indicators_scaled') }}
),

comparisons as (
    select
        'apportioned_indicator' as method,
        'health_need_weighted_population' as indicator_id,
        '07 health' as spending_stream,
        'nhs_funder_allocation' as comparator
    union all
    select
        'apportioned_population' as method,
        'population' as indicator_id,
        '07 health' as spending_stream,
        'nhs_funder_allocation' as comparator
),

indicator_pairs as (
    select
        comparisons.method,
        comparisons.indicator_id as indicator,
        comparisons.spending_stream,
        comparisons.comparator,
        proxy.region_code,
        proxy.financial_year,
        proxy.lad_code,
        proxy.region_share as proxy_share,
        better.region_share as comparator_share
    from comparisons
    inner join indicators as proxy on comparisons.indicator_id = proxy.indicator_id
    inner join indicators as better
        on
            comparisons.comparator = better.indicator_id
            and proxy.lad_code = better.lad_code
            and proxy.financial_year = better.financial_year
),

-- local government current spending: what each district's authorities spent by their own returns (a
-- county's shared over its districts by population), against the same total shared by head count, over
-- the districts whose authorities all made a return that year (no imputed figure)
lg_returns as (
    select
        lad_code,
        financial_year,
        sum(amount_gbp) filter (
            where method in ('actual', 'apportioned_population') and fill_rule is null
        ) as returned_gbp,
        count(*) filter (where method = 'imputed_not_submitted') as imputed_rows
    from {{ ref('int_spend_with_returns') }}
    where sector = 'LG' and source_id not like 'cra_%'
    group by all
),

lg_compared as (
    select
        population.region_code,
        population.financial_year,
        population.lad_code,
        population.indicator_value as population,
        lg_returns.returned_gbp
    from indicators as population
    inner join lg_returns
        on population.lad_code = lg_returns.lad_code and population.financial_year = lg_returns.financial_year
    where population.indicator_id = 'population' and lg_returns.imputed_rows = 0 and lg_returns.returned_gbp > 0
),

lg_pairs as (
    select
        'apportioned_population' as method,
        'population' as indicator,
        'LG current (councils own returns)' as spending_stream,
        'actual' as comparator,
        region_code,
        financial_year,
        lad_code,
        population / sum(population) over (partition by region_code, financial_year) as proxy_share,
        returned_gbp / sum(returned_gbp) over (partition by region_code, financial_year) as comparator_share
    from lg_compared
),

-- the funder's key places people where their surgery is: the practices' registered patients per
-- district against the district's resident population, each as a share of its region
surgery_location as (
    select
        allocations.region_code,
        allocations.financial_year,
        allocations.lad_code,
        allocations.registered_patients,
        population.indicator_value as population
    from {{ ref('int_nhs_allocations_shared') }} as allocations
    inner join indicators as population
        on
            allocations.lad_code = population.lad_code
            and allocations.financial_year = population.financial_year
            and population.indicator_id = 'population'
),

surgery_pairs as (
    select
        'apportioned_funder_allocation' as method,
        'nhs_funder_allocation' as indicator,
        '07 health' as spending_stream,
        'resident_population' as comparator,
        region_code,
        financial_year,
        lad_code,
        registered_patients / sum(registered_patients) over (partition by region_code, financial_year)
            as proxy_share,
        population / sum(population) over (partition by region_code, financial_year) as comparator_share
    from surgery_location
),

pairs as (
    select * from indicator_pairs
    union all by name
    select * from lg_pairs
    union all by name
    select * from surgery_pairs
),

regions as (
    select
        method,
        indicator,
        spending_stream,
        comparator,
        financial_year,
        region_code,
        sum(abs(proxy_share - comparator_share)) / 2 as misplaced
    from pairs
    group by all
),

misplaced as (
    select
        method,
        indicator,
        spending_stream,
        comparator,
        financial_year,
        avg(misplaced) as share_misplaced
    from regions
    group by all
),

final as (
    select
        pairs.method,
        pairs.indicator,
        pairs.spending_stream,
        pairs.comparator,
        pairs.financial_year,
        count(*) as districts_compared,
        median(abs(pairs.proxy_share - pairs.comparator_share) / pairs.comparator_share) as median_abs_error,
        quantile_cont(abs(pairs.proxy_share - pairs.comparator_share) / pairs.comparator_share, 0.9)
            as p90_abs_error,
        any_value(misplaced.share_misplaced) as share_misplaced
    from pairs
    inner join misplaced
        on
            pairs.method = misplaced.method
            and pairs.indicator = misplaced.indicator
            and pairs.spending_stream = misplaced.spending_stream
            and pairs.comparator = misplaced.comparator
            and pairs.financial_year = misplaced.financial_year
    where pairs.comparator_share > 0
    group by all
)

select * from final
