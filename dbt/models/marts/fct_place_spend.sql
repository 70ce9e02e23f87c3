-- The Total Place high-level count: identifiable public spending per place and financial year, by
-- COFOG division and group, sector, department and body, source and method. A multi-district place
-- is the sum of its districts. [rule: count_rule]
-- Partner returns are applied upstream (int_spend_with_returns). [rule: returns_rule]
-- indicator_id names the indicator that placed each estimate. [rule: indicator_rule]
-- source_origin says whether the figure rests on a publisher's file or on a third party's derived one
-- [rule: derived_source_rule]; fill_rule names the rule behind a filled figure [rule: not_submitted_rule]
-- [rule: lg_fill_rule]. Only the place-years int_place_years publishes. [rule: reorganisation_rule]
-- Incremental by financial year (macro delete_selected_years).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_selected_years() }}") }}
with district_spend as (
    select * from {{ ref('int_spend_with_returns') }}
    where {{ selected_years('financial_year') }}
),

places as (
    select * from {{ ref('place_districts') }}
),

place_years as (
    select
        place_id,
        financial_year
    from {{ ref('int_place_years') }}
),

manifest as (
    select
        source_id,
        origin
    from {{ ref('sources') }}
),

-- an authority's figure shared over several districts that all lie in one place is, for that place,
-- the authority's own return for exactly its area: method actual (Cumberland's own return in
-- Cumberland, Greater Manchester's combined authority in the Greater Manchester pilot). [rule: count_rule]
shared as (
    select
        financial_year,
        organisation,
        source_id,
        sum(amount_gbp) as authority_gbp
    from district_spend
    where sector = 'LG' and method = 'apportioned_population'
    group by all
),

whole_in_place as (
    select
        places.place_id,
        district_spend.financial_year,
        district_spend.organisation,
        district_spend.source_id
    from district_spend
    inner join places on district_spend.lad_code = places.lad_code
    inner join shared using (financial_year, organisation, source_id)
    where district_spend.sector = 'LG' and district_spend.method = 'apportioned_population'
    group by all
    having abs(sum(district_spend.amount_gbp) - any_value(shared.authority_gbp)) < 1
),

final as (
    select
        places.place_id,
        district_spend.financial_year,
        district_spend.cofog_division,
        district_spend.cofog_group,
        district_spend.sector,
        district_spend.department,
        district_spend.organisation,
        district_spend.source_id,
        case when whole_in_place.place_id is not null then 'actual' else district_spend.method end as method,
        case when whole_in_place.place_id is not null then null else district_spend.indicator_id end as indicator_id,
        district_spend.cofog_group_basis,
        coalesce(manifest.origin, 'publisher') as source_origin,
        district_spend.fill_rule,
        sum(district_spend.amount_gbp) as amount_gbp,
        sum(district_spend.population_only_gbp) as population_only_gbp,
        district_spend.return_reference
    from district_spend
    inner join places on district_spend.lad_code = places.lad_code
    inner join
        place_years
        on places.place_id = place_years.place_id and district_spend.financial_year = place_years.financial_year
    left join manifest on district_spend.source_id = manifest.source_id
    left join whole_in_place
        on
            places.place_id = whole_in_place.place_id and district_spend.financial_year = whole_in_place.financial_year
            and district_spend.organisation = whole_in_place.organisation
            and district_spend.source_id = whole_in_place.source_id
            and district_spend.sector = 'LG' and district_spend.method = 'apportioned_population'
    group by all
)

select * from final
