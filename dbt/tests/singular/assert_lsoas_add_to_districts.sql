-- every district-year's LSOA rows add back to the district's count; a district without LSOA rows fails.
-- A one-year run checks the years it replaced (macro selected_years); a full build checks them all.
-- shown in Dagster as a check on fct_neighbourhood_spend
{{ config(meta={'dagster': {'ref': {'name': 'fct_neighbourhood_spend'}}}) }}

with districts as (
    -- every 2018 district in every year (one merged since keeps its LSOAs after its merger)
    {{ district_year_totals(ref('int_district_spend_summarised')) }}
),

lsoas as (
    select
        lad_code,
        financial_year,
        sum(amount_gbp) as lsoa_gbp,
        count(distinct lsoa_code) as n_lsoas
    from {{ ref('fct_neighbourhood_spend') }}
    where {{ selected_years('financial_year') }}
    group by 1, 2
)

select
    districts.*,
    lsoas.lsoa_gbp,
    lsoas.n_lsoas
from districts left join lsoas using (lad_code, financial_year)
where lsoas.lsoa_gbp is null or abs(lsoas.lsoa_gbp - districts.total_gbp) > 1
