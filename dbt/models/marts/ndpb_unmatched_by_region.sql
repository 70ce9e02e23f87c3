-- The CRA 2018 organisations no directory body links to (ndpb_unmatched, CRA side), with their
-- identifiable central government and public corporation spending in each region and year: what
-- `totalplace ndpb` lists as "in CRA, not in the directories" for a region. [rule: ndpb_rule]
with unmatched as (
    select * from {{ ref('ndpb_unmatched') }}
    where side like 'CRA%'
),

cra as (
    select * from {{ ref('stg_hmt__cra') }}
    where source_id = 'cra_2018' and is_identifiable and sector in ('CG', 'PC')
),

final as (
    select
        cra.region_code,
        cra.financial_year,
        cra.organisation,
        cra.department,
        sum(cra.amount_gbp) as amount_gbp
    from cra
    inner join unmatched on cra.organisation = unmatched.body and cra.department = unmatched.department
    group by all
)

select * from final
