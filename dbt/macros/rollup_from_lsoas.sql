{#
  The LSOA estimates added up to a larger area (msoa or ward): the district's figure times the sum of
  the district shares of the area's LSOAs - the same as adding the LSOA rows, without reading 29
  million of them. [rule: neighbourhood_rule]
#}
{% macro rollup_from_lsoas(area) %}
with district_spend as (
    select * from {{ ref('int_district_spend_summarised') }}
),

shares as (
    select {{ area }}_code, {{ area }}_name, lad_code, lsoa_basis, sum(district_share) as district_share
    from {{ ref('int_lsoa_indicator_shares') }}
    group by all
),

final as (
    select
        shares.{{ area }}_code,
        shares.{{ area }}_name,
        shares.lad_code,
        district_spend.financial_year,
        district_spend.cofog_division,
        district_spend.cofog_group,
        district_spend.sector,
        case when shares.lsoa_basis = 'population' then 'apportioned_population'
             else 'apportioned_indicator' end as method,
        shares.lsoa_basis,
        district_spend.amount_gbp * shares.district_share as amount_gbp
    from district_spend
    inner join shares on shares.lad_code = district_spend.lad_code and shares.lsoa_basis = district_spend.lsoa_basis
)

select * from final
{% endmacro %}
