-- The LSOA estimates added up to msoas: the district's figure times the sum of the district
-- shares of the msoa's LSOAs (the same as adding the LSOA rows, without reading 33 million of them).
-- [rule: neighbourhood_rule]
with district_spend as (
    select * from {{ ref('int_district_spend_summarised') }}
),

shares as (
    select msoa_code, lad_code, sum(district_share) as district_share
    from {{ ref('int_lsoas_shared') }}
    group by all
),

final as (
    select
        shares.msoa_code,
        shares.lad_code,
        district_spend.financial_year,
        district_spend.cofog_division,
        district_spend.cofog_group,
        district_spend.sector,
        'apportioned_population' as method,
        district_spend.amount_gbp * shares.district_share as amount_gbp
    from district_spend
    inner join shares on shares.lad_code = district_spend.lad_code
)

select * from final
