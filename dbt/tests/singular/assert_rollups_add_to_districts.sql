-- the MSOA and ward roll-ups add back to every district-year's count (the years a run replaced: macro selected_years)
-- shown in Dagster as a check on fct_msoa_spend
{{ config(meta={'dagster': {'ref': {'name': 'fct_msoa_spend'}}}) }}
with districts as (
    {{ district_year_totals(ref('int_district_spend_summarised')) }}
),

msoa as (
    {{ district_year_totals(ref('fct_msoa_spend')) }}
),

ward as (
    {{ district_year_totals(ref('fct_ward_spend')) }}
)

select
    districts.*,
    msoa.total_gbp as msoa_total,
    ward.total_gbp as ward_total
from districts
left join msoa using (lad_code, financial_year)
left join ward using (lad_code, financial_year)
where
    msoa.total_gbp is null or ward.total_gbp is null
    or abs(msoa.total_gbp - districts.total_gbp) > 1 or abs(ward.total_gbp - districts.total_gbp) > 1
