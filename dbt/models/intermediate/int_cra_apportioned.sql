-- Central government and public corporation identifiable spending, and local government capital,
-- per district: each published regional figure shared by the district's share of the region's
-- indicator that the policy seed apportionment_indicators names for the stream (method
-- apportioned_indicator), or its population share where the policy says population (method
-- apportioned_population). The population-only figure of every row is kept beside it.
-- Local government lines a year's return lacks (int_lg_lines_filled) are shared the same way and keep
-- their fill_rule. [rule: indicator_rule] [rule: population_last_resort_rule] [rule: lg_capital_rule]
-- [rule: lg_fill_rule]
with cra as (
    select
        *,
        cast(null as varchar) as fill_rule
    from {{ ref('int_cra_groups_split') }}
    union all by name
    select
        region_code,
        financial_year,
        cofog_division,
        cofog_group,
        sector,
        cap_or_cur,
        department,
        organisation,
        source_id,
        amount_gbp,
        'published' as cofog_group_basis,
        fill_rule
    from {{ ref('int_lg_lines_filled') }}
    where amount_gbp > 0
),

policy as (
    select
        apportionment.cofog_code,
        coalesce(apportionment.department, '') as department,
        apportionment.indicator_id,
        apportionment.first_year,
        apportionment.last_year,
        indicator_methods.method
    from {{ ref('apportionment_indicators') }} as apportionment
    inner join {{ ref('indicators') }} as indicator_methods
        on apportionment.indicator_id = indicator_methods.indicator_id
),

indicators as (
    select
        lad_code,
        region_code,
        financial_year,
        indicator_id,
        region_share
    from {{ ref('int_district_indicators_scaled') }}
),

regional as (
    select
        region_code,
        financial_year,
        cofog_division,
        cofog_group,
        cofog_group_basis,
        sector,
        department,
        coalesce(organisation, department) as organisation,
        source_id,
        fill_rule,
        sum(amount_gbp) as amount_gbp
    from cra
    group by all
),

streams as (
    select
        row_number() over () as stream_id,
        *
    from regional
),

-- the most specific policy row: group before division before '*', a named department before none,
-- a row limited to years (in its years) before a row for every year
matched as (
    select
        streams.*,
        policy.indicator_id,
        policy.method
    from streams
    inner join policy
        on (
            streams.cofog_group = policy.cofog_code or streams.cofog_division = policy.cofog_code
            or policy.cofog_code = '*'
        )
        and (policy.department = '' or streams.department = policy.department)
        and (policy.first_year is null or streams.financial_year between policy.first_year and policy.last_year)
    qualify row_number() over (
        partition by streams.stream_id
        order by case
            when policy.cofog_code = streams.cofog_group then 3
            when policy.cofog_code = streams.cofog_division then 2 else 1
        end desc,
        policy.department <> '' desc,
        policy.first_year is not null desc
    ) = 1
),

final as (
    select
        shares.lad_code,
        matched.financial_year,
        matched.cofog_division,
        matched.cofog_group,
        matched.sector,
        matched.department,
        matched.organisation,
        matched.region_code,
        matched.source_id,
        matched.method,
        matched.indicator_id,
        matched.cofog_group_basis,
        matched.fill_rule,
        matched.amount_gbp * shares.region_share as amount_gbp,
        matched.amount_gbp * by_population.region_share as population_only_gbp
    from matched
    inner join indicators as shares
        on
            matched.region_code = shares.region_code
            and matched.financial_year = shares.financial_year
            and matched.indicator_id = shares.indicator_id
    inner join indicators as by_population
        on
            shares.lad_code = by_population.lad_code
            and matched.financial_year = by_population.financial_year
            and by_population.indicator_id = 'population'
)

select * from final
