-- Per English region and CRA 2018 year: how much identifiable CG and PC spending CRA puts under an
-- organisation other than the department itself, and the share of it matched to a counted directory
-- body. [rule: ndpb_rule]
with cra as (
    select
        region_code,
        financial_year,
        department,
        organisation,
        sum(amount_gbp) as amount_gbp
    from {{ ref('stg_hmt__cra') }}
    where
        source_id = 'cra_2018' and is_identifiable and region_kind = 'english_region'
        and sector in ('CG', 'PC')
        and organisation is not null
        and not {{ is_department_itself('organisation', 'department') }}
    group by all
),

matched as (
    select distinct
        cra_department,
        cra_organisation
    from {{ ref('int_public_bodies_linked') }}
    where cra_organisation is not null and excluded_by is null
),

final as (
    select
        cra.region_code,
        cra.financial_year,
        sum(cra.amount_gbp) as organisation_spend_gbp,
        coalesce(sum(cra.amount_gbp) filter (where matched.cra_organisation is not null), 0) as matched_gbp,
        coalesce(sum(cra.amount_gbp) filter (where matched.cra_organisation is not null), 0)
        / nullif(sum(cra.amount_gbp), 0) as matched_share,
        -- organisations that spend in the region that year (CRA prints every organisation in every region, with zeros)
        count(*) filter (where matched.cra_organisation is not null and cra.amount_gbp <> 0) as matched_organisations,
        count(*) filter (where matched.cra_organisation is null and cra.amount_gbp <> 0) as unmatched_organisations
    from cra
    left join matched on cra.department = matched.cra_department and cra.organisation = matched.cra_organisation
    group by all
)

select * from final
