-- Local government current spending per district and year from the revenue returns.
-- [rule: lg_from_returns_rule] [rule: transfers_rule] [rule: multi_district_rule]
-- [rule: not_submitted_rule] [rule: derived_source_rule]
-- An authority that did not submit in a year is counted from its nearest year with a return, on the
-- kinds of line the year's own return carries, scaled by the change of England's spending on those
-- lines among the authorities that returned in both years (method imputed_not_submitted): never zero.
-- Incremental by financial year (macro delete_selected_years): a one-year run replaces that year's rows.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_selected_years() }}") }}
with returns as (
    select * from {{ ref('int_lg_returns_unioned') }}
),

crosswalk as (
    select * from {{ ref('cipfa_to_cofog') }}
),

coverage as (
    select * from {{ ref('int_authority_districts_expanded') }}
),

population as (
    select * from {{ ref('int_district_population_shared') }}
),

counted as (
    select
        returns.source_id,
        returns.source_origin,
        returns.financial_year,
        returns.authority_key,
        returns.authority_name,
        crosswalk.treatment,
        crosswalk.cofog_division,
        nullif(crosswalk.cofog_group, '') as cofog_group,
        sum(returns.amount_gbp) as amount_gbp
    from returns
    inner join crosswalk on returns.line_label_key = crosswalk.line_label
    where
        crosswalk.treatment in (
            select treatments.treatment from {{ ref('treatments') }} as treatments
            where treatments.is_counted
        )
        and returns.return_status = 'submitted'
    group by all
),

-- the kinds of line each year's return carries (RSX and the derived series: service lines only)
present as (
    select distinct
        financial_year,
        treatment
    from counted
),

authority_years as (
    select
        authority_key,
        financial_year,
        sum(amount_gbp) as amount_gbp
    from counted
    group by all
),

-- authorities flagged as not submitted in a year, with no counted row that year
missing as (
    select distinct
        returns.authority_key,
        returns.financial_year,
        returns.authority_name
    from returns
    where
        returns.return_status = 'not_submitted'
        and not exists (
            select 1 from authority_years
            where
                authority_years.authority_key = returns.authority_key
                and authority_years.financial_year = returns.financial_year
        )
),

-- the nearest year with a return (the earlier on a tie)
donors as (
    select
        missing.authority_key,
        missing.financial_year,
        missing.authority_name,
        authority_years.financial_year as donor_year
    from missing
    inner join authority_years on missing.authority_key = authority_years.authority_key
    qualify row_number() over (
        partition by missing.authority_key, missing.financial_year
        order by
            abs(
                cast(left(authority_years.financial_year, 4) as integer)
                - cast(left(missing.financial_year, 4) as integer)
            ),
            authority_years.financial_year
    ) = 1
),

-- the kinds of line both years carry, per authority that returned in both
comparable as (
    select
        pairs.financial_year,
        pairs.donor_year,
        counted.authority_key,
        counted.financial_year as year_of,
        sum(counted.amount_gbp) as amount_gbp
    from (select distinct
        financial_year,
        donor_year
    from donors) as pairs
    inner join counted on counted.financial_year in (pairs.financial_year, pairs.donor_year)
    inner join present as p_now on pairs.financial_year = p_now.financial_year and counted.treatment = p_now.treatment
    inner join present as p_then on pairs.donor_year = p_then.financial_year and counted.treatment = p_then.treatment
    group by all
),

factors as (
    select
        now_.financial_year,
        now_.donor_year,
        sum(now_.amount_gbp) / nullif(sum(then_.amount_gbp), 0) as factor
    from comparable as now_
    inner join comparable as then_
        on
            now_.financial_year = then_.financial_year and now_.donor_year = then_.donor_year
            and now_.authority_key = then_.authority_key and now_.donor_year = then_.year_of
    where now_.year_of = now_.financial_year
    group by all
),

imputed as (
    select
        counted.source_id,
        counted.source_origin,
        donors.financial_year,
        counted.authority_key,
        donors.authority_name,
        counted.cofog_division,
        counted.cofog_group,
        counted.amount_gbp * factors.factor as amount_gbp,
        'carried from ' || donors.donor_year || ' x ' || round(factors.factor, 4) as fill_rule
    from donors
    inner join counted on donors.authority_key = counted.authority_key and donors.donor_year = counted.financial_year
    -- only the kinds of line the year's own return carries (the rest is lg_fill_rule's)
    inner join present on donors.financial_year = present.financial_year and counted.treatment = present.treatment
    inner join factors on donors.financial_year = factors.financial_year and donors.donor_year = factors.donor_year
),

spending as (
    select
        * exclude (treatment),
        cast(null as varchar) as fill_rule
    from counted
    union all
    select * from imputed
),

shares as (
    select
        coverage.authority_key,
        coverage.lad_code,
        coverage.n_districts,
        population.financial_year,
        population.population
        / sum(population.population) over (partition by coverage.authority_key, population.financial_year) as share
    from coverage
    inner join population on coverage.lad_code = population.lad_code
),

final as (
    select
        shares.lad_code,
        spending.financial_year,
        spending.cofog_division,
        spending.cofog_group,
        'LG' as sector,
        'Local government' as department,
        spending.authority_name as organisation,
        spending.authority_key as ecode,
        spending.source_id,
        spending.source_origin,
        case
            when spending.fill_rule is not null then 'imputed_not_submitted'
            when shares.n_districts = 1 then 'actual' else 'apportioned_population'
        end as method,
        spending.fill_rule,
        spending.amount_gbp * shares.share as amount_gbp
    from spending
    inner join
        shares
        on spending.authority_key = shares.authority_key and spending.financial_year = shares.financial_year
    where {{ selected_years('spending.financial_year') }}
)

select * from final
