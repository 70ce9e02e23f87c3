-- The Total Place high-level count: identifiable public spending per place and financial year, by
-- COFOG division and group, sector, department and body, source and method. A multi-district place
-- is the sum of its districts. [rule: count_rule]
with lg_current as (
    select lad_code, financial_year, cofog_division, cofog_group, sector, department, organisation, source_id, method, amount_gbp
    from {{ ref('int_lg_current_apportioned') }}
),

apportioned as (
    select lad_code, financial_year, cofog_division, cofog_group, sector, department, organisation, source_id, method, amount_gbp
    from {{ ref('int_cra_apportioned') }}
),

places as (
    select * from {{ ref('place_districts') }}
),

district_spend as (
    select * from lg_current
    union all
    select * from apportioned
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
        district_spend.method,
        sum(district_spend.amount_gbp) as amount_gbp
    from district_spend
    inner join places on places.lad_code = district_spend.lad_code
    group by all
)

select * from final
