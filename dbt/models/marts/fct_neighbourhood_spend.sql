-- Each district's count shared over its LSOAs by their mid-2018 populations. [rule: neighbourhood_rule]
-- 29 million rows: kept lean (LSOA attributes are in dim_lsoa), built without insertion order, and the
-- constant method column added after the insert (stored once, not written 29 million times).
{{ config(post_hook="ALTER TABLE {{ this }} ADD COLUMN method VARCHAR DEFAULT 'apportioned_population'") }}

with district_spend as (
    select * from {{ ref('int_district_spend_summarised') }}
),

lsoas as (
    select lsoa_code, lad_code, imd_rank, district_share from {{ ref('int_lsoas_shared') }}
),

final as (
    select
        lsoas.lsoa_code,
        lsoas.lad_code,
        lsoas.imd_rank,
        district_spend.financial_year,
        district_spend.cofog_division,
        district_spend.cofog_group,
        district_spend.sector,
        district_spend.amount_gbp * lsoas.district_share as amount_gbp
    from district_spend
    inner join lsoas on lsoas.lad_code = district_spend.lad_code
)

select * from final
