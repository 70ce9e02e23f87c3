-- Per English region, year and sector: the published CRA identifiable figure against what the count
-- allocated to the region's districts. [rule: conservation_rule]
with cra as (
    select * from {{ ref('int_cra_vintages_deduplicated') }}
    where is_identifiable and region_kind = 'english_region' and sector in ('CG', 'PC', 'LG')
),

districts as (
    select lad_code, region_code from {{ ref('int_districts_described') }}
),

lg_current as (
    select lad_code, financial_year, 'LG' as sector, amount_gbp from {{ ref('int_lg_current_apportioned') }}
),

apportioned as (
    select lad_code, financial_year, sector, amount_gbp from {{ ref('int_cra_apportioned') }}
),

published as (
    select region_code, financial_year, sector, sum(amount_gbp) as published_gbp
    from cra
    where financial_year in (select distinct financial_year from {{ ref('int_district_population_shared') }})
    group by all
),

allocated as (
    select districts.region_code, spend.financial_year, spend.sector, sum(spend.amount_gbp) as allocated_gbp
    from (select * from lg_current union all select * from apportioned) as spend
    inner join districts on districts.lad_code = spend.lad_code
    group by all
),

final as (
    select
        published.region_code,
        published.financial_year,
        published.sector,
        published.published_gbp,
        coalesce(allocated.allocated_gbp, 0) as allocated_gbp,
        coalesce(allocated.allocated_gbp, 0) - published.published_gbp as difference_gbp
    from published
    left join allocated using (region_code, financial_year, sector)
)

select * from final
