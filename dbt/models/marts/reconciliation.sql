-- Per English region, year and sector: the published CRA identifiable figure against what the count
-- allocated to the region's districts. [rule: conservation_rule]
with cra as (
    select * from {{ ref('int_cra_vintages_deduplicated') }}
    where is_identifiable and region_kind = 'english_region' and sector in ('CG', 'PC', 'LG')
),

districts as (
    select
        lad_code,
        region_code
    from {{ ref('int_districts_described') }}
),

spend as (
    -- after partner returns: a returned figure and the re-apportioned rest still add up to the regional
    -- figure; the transfers the returns revealed are reported beside it [rule: returns_rule]
    select
        lad_code,
        financial_year,
        sector,
        method,
        amount_gbp
    from {{ ref('int_spend_with_returns') }}
),

regions as (
    select distinct
        region_code,
        region_name
    from {{ ref('cra_regions') }}
    where region_kind = 'english_region'
),

published as (
    select
        region_code,
        financial_year,
        sector,
        sum(amount_gbp) as published_gbp
    from cra
    where
        financial_year in (
            select distinct shared.financial_year from {{ ref('int_district_population_shared') }} as shared
        )
    group by all
),

allocated as (
    select
        districts.region_code,
        spend.financial_year,
        spend.sector,
        sum(spend.amount_gbp) filter (where spend.method <> 'transfer_removed') as allocated_gbp,
        coalesce(-sum(spend.amount_gbp) filter (where spend.method = 'transfer_removed'), 0) as transfers_removed_gbp
    from spend
    inner join districts on spend.lad_code = districts.lad_code
    group by all
),

final as (
    select
        published.region_code,
        regions.region_name,
        published.financial_year,
        published.sector,
        published.published_gbp,
        coalesce(allocated.allocated_gbp, 0) as allocated_gbp,
        coalesce(allocated.allocated_gbp, 0) - published.published_gbp as difference_gbp,
        coalesce(allocated.transfers_removed_gbp, 0) as transfers_removed_gbp
    from published
    left join allocated using (region_code, financial_year, sector)
    left join regions on published.region_code = regions.region_code
)

select * from final
