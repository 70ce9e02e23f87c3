-- The bodies that could not be linked: directory bodies (counted, not excluded) with no CRA 2018
-- organisation, and CRA 2018 organisations (other than departments) no directory body links to.
-- [rule: ndpb_rule]
with bodies as (
    select * from {{ ref('int_public_bodies_linked') }}
),

cra as (
    select
        department,
        organisation,
        financial_year,
        sum(amount_gbp) as amount_gbp
    from {{ ref('stg_hmt__cra') }}
    where
        source_id = 'cra_2018'
        and organisation is not null
        and not {{ is_department_itself('organisation', 'department') }}
    group by all
),

linked as (
    select distinct
        cra_department,
        cra_organisation
    from bodies
    where cra_organisation is not null
),

directory_side as (
    select
        'directory body without a CRA 2018 line' as side,
        body_name as body,
        cra_department as department,
        classification,
        max(directory_year) as last_directory_year,
        arg_max(total_gross_expenditure_gbp, directory_year) as amount_gbp
    from bodies
    where cra_organisation is null and excluded_by is null
    group by all
),

cra_side as (
    select
        'CRA 2018 organisation without a directory body' as side,
        cra.organisation as body,
        cra.department,
        cast(null as varchar) as classification,
        cast(null as integer) as last_directory_year,
        sum(cra.amount_gbp) filter (where cra.financial_year = '2014-15') as amount_gbp
    from cra
    left join linked on cra.department = linked.cra_department and cra.organisation = linked.cra_organisation
    where linked.cra_organisation is null
    group by all
),

final as (
    select * from directory_side
    union all
    select * from cra_side
)

select * from final
