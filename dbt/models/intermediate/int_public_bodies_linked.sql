-- Each directory body with its CRA 2018 department and organisation (reviewed crosswalk) and whether
-- an exclusion rule takes it out of the NDPB reporting. [rule: ndpb_rule]
with bodies as (
    select * from {{ ref('stg_cabinet_office__public_bodies') }}
),

departments as (
    select * from {{ ref('public_body_departments') }}
),

crosswalk as (
    select * from {{ ref('ndpb_crosswalk') }}
),

rules as (
    select * from {{ ref('ndpb_exclusion_rules') }}
),

linked as (
    select
        bodies.*,
        -- a linked body's CRA department is its organisation's (HEFCE: BIS sponsored it, CRA 2018 has it under DfE)
        case
            when nullif(crosswalk.cra_organisation, '') is not null then crosswalk.cra_department
            else departments.cra_department
        end as cra_department,
        nullif(crosswalk.cra_organisation, '') as cra_organisation,
        coalesce(crosswalk.match_basis, 'unmatched') as match_basis
    from bodies
    left join departments on bodies.directory_department = departments.directory_department
    left join crosswalk
        on bodies.body_name = crosswalk.body_name and bodies.directory_department = crosswalk.directory_department
),

final as (
    select
        linked.*,
        coalesce(linked.classification, '') like '%NDPB%' as is_ndpb,
        (
            select min(rules.rule_id) from rules
            where
                (rules.applies_to = 'classification' and rules.value = linked.classification)
                or (rules.applies_to = 'cra_department' and rules.value = linked.cra_department)
        ) as excluded_by
    from linked
)

select * from final
