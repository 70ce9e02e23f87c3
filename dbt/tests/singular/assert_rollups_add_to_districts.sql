-- the MSOA and ward roll-ups add back to every district-year's count (the years a run replaced: macro selected_years)
-- shown in Dagster as a check on fct_msoa_spend
{{ config(meta={'dagster': {'ref': {'name': 'fct_msoa_spend'}}}) }}
with districts as (
    select
        lad_code,
        financial_year,
        sum(amount_gbp) as total
    from {{ ref('int_district_spend_summarised') }}
    where {{ selected_years('financial_year') }}
    group by 1, 2
),

msoa as (
    select
        lad_code,
        financial_year,
        sum(amount_gbp) as total
    from {{ ref('fct_msoa_spend') }}
    where {{ selected_years('financial_year') }}
    group by 1, 2
),

ward as (
    select
        lad_code,
        financial_year,
        sum(amount_gbp) as total
    from {{ ref('fct_ward_spend') }}
    where {{ selected_years('financial_year') }}
    group by 1, 2
)

select
    districts.*,
    msoa.total as msoa_total,
    ward.total as ward_total
from districts
left join msoa using (lad_code, financial_year)
left join ward using (lad_code, financial_year)
where
    msoa.total is null or ward.total is null
    or abs(msoa.total - districts.total) > 1 or abs(ward.total - districts.total) > 1
