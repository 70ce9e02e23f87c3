-- Central government and public corporation identifiable spending, and local government capital,
-- per district: each published regional figure shared by the district's population share of its
-- region. [rule: population_last_resort_rule] [rule: lg_capital_rule]
with cra as (
    select * from {{ ref('int_cra_vintages_deduplicated') }}
    where is_identifiable
      and region_kind = 'english_region'
      and (sector in ('CG', 'PC') or (sector = 'LG' and cap_or_cur = 'CAP'))
      and amount_gbp is not null  -- an empty published cell is no spending
),

population as (
    select * from {{ ref('int_district_population_shared') }}
),

regional as (
    select
        region_code,
        financial_year,
        cofog_division,
        cofog_group,
        sector,
        department,
        coalesce(organisation, department) as organisation,
        source_id,
        sum(amount_gbp) as amount_gbp
    from cra
    group by all
),

final as (
    select
        population.lad_code,
        regional.financial_year,
        regional.cofog_division,
        regional.cofog_group,
        regional.sector,
        regional.department,
        regional.organisation,
        regional.region_code,
        regional.source_id,
        'apportioned_population' as method,
        regional.amount_gbp * population.region_share as amount_gbp
    from regional
    inner join population
        on population.region_code = regional.region_code and population.financial_year = regional.financial_year
)

select * from final
