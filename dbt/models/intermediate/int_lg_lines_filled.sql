-- Local government lines a year's return lacks, filled from CRA. The RSX summaries (2021-22,
-- 2022-23, 2024-25) and the derived series (2018-19 to 2020-21) carry the 13 service lines only: no
-- mandatory housing benefit payments and no parish precepts, which the full RS summary has and the
-- count takes. For such a year, per English region, the CRA local government current figure of each
-- COFOG group those lines fall in (10.6 housing, 01.3 general services), less what the returns placed
-- there, is a regional stream (never negative) that int_cra_apportioned shares by the group's
-- indicator like any CRA figure. So is a full-RS year in which an authority without a return had to be
-- carried from a year that lacks those lines. Every row says fill_rule 'lg_lines_from_cra'.
-- [rule: lg_fill_rule]
with returns as (
    select * from {{ ref('int_lg_returns_unioned') }}
),

crosswalk as (
    select * from {{ ref('cipfa_to_cofog') }}
    where
        treatment in (
            select treatments.treatment from {{ ref('treatments') }} as treatments
            where treatments.is_counted
        )
),

-- the counted kinds of line each year's chosen return carries
present as (
    select distinct
        returns.financial_year,
        crosswalk.treatment
    from returns
    inner join crosswalk on returns.line_label_key = crosswalk.line_label
),

-- an authority without a return in a full-RS year (2023-24) is carried from a year whose return may
-- lack those lines (an RSX year): its housing benefit and precepts are then lacking too
imputed_from as (
    select distinct
        financial_year,
        substr(fill_rule, 14, 7) as donor_year
    from {{ ref('int_lg_current_apportioned') }}
    where method = 'imputed_not_submitted'
),

-- the COFOG groups of the kinds of line a year lacks
lacking as (
    select distinct
        years.financial_year,
        crosswalk.cofog_division,
        crosswalk.cofog_group
    from (select distinct financial_year from returns) as years
    cross join crosswalk
    where
        nullif(crosswalk.cofog_group, '') is not null
        and (
            not exists (
                select 1
                from present
                where
                    present.financial_year = years.financial_year
                    and present.treatment = crosswalk.treatment
            )
            or exists (
                select 1 from imputed_from
                where
                    imputed_from.financial_year = years.financial_year
                    and not exists (
                        select 1
                        from present
                        where
                            present.financial_year = imputed_from.donor_year
                            and present.treatment = crosswalk.treatment
                    )
            )
        )
),

cra as (
    select * from {{ ref('int_cra_vintages_deduplicated') }}
    where
        is_identifiable and region_kind = 'english_region' and sector = 'LG' and cap_or_cur = 'CUR'
        and amount_gbp is not null
),

cra_groups as (
    select
        cra.region_code,
        cra.financial_year,
        lacking.cofog_division,
        lacking.cofog_group,
        any_value(cra.source_id) as source_id,
        sum(cra.amount_gbp) as cra_gbp
    from cra
    inner join lacking on cra.financial_year = lacking.financial_year and cra.cofog_group = lacking.cofog_group
    group by all
),

districts as (
    select
        lad_code,
        region_code
    from {{ ref('int_districts_described') }}
),

returned as (
    select
        districts.region_code,
        lg.financial_year,
        lg.cofog_group,
        sum(lg.amount_gbp) as returned_gbp
    from {{ ref('int_lg_current_apportioned') }} as lg
    inner join districts on lg.lad_code = districts.lad_code
    group by all
),

final as (
    select
        cra_groups.region_code,
        cra_groups.financial_year,
        cra_groups.cofog_division,
        cra_groups.cofog_group,
        'LG' as sector,
        'CUR' as cap_or_cur,
        'Local government' as department,
        'Local government: lines the return lacks (from CRA LG current)' as organisation,
        cra_groups.source_id,
        cra_groups.cra_gbp,
        coalesce(returned.returned_gbp, 0) as returned_gbp,
        greatest(cra_groups.cra_gbp - coalesce(returned.returned_gbp, 0), 0) as amount_gbp,
        'lg_lines_from_cra' as fill_rule
    from cra_groups
    left join returned using (region_code, financial_year, cofog_group)
)

select * from final
