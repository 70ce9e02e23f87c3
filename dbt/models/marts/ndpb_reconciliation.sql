-- Each matched, counted directory body: its national total gross expenditure in the directory against
-- its CRA 2018 total for the same financial year (all regions, identifiable or not). [rule: ndpb_rule]
with bodies as (
    select * from {{ ref('int_public_bodies_linked') }}
    where excluded_by is null and cra_organisation is not null
),

cra as (
    select
        financial_year,
        department,
        coalesce(organisation, department) as organisation,
        sum(amount_gbp) as cra_total_gbp
    from {{ ref('stg_hmt__cra') }}
    where source_id = 'cra_2018'
    group by all
),

final as (
    select
        bodies.financial_year,
        bodies.body_name,
        bodies.classification,
        bodies.cra_department,
        bodies.cra_organisation,
        bodies.match_basis,
        bodies.total_gross_expenditure_gbp as directory_gross_gbp,
        cra.cra_total_gbp,
        cra.cra_total_gbp - bodies.total_gross_expenditure_gbp as difference_gbp,
        cra.cra_total_gbp / nullif(bodies.total_gross_expenditure_gbp, 0) as cra_to_directory_ratio,
        bodies.source_file,
        bodies.sheet,
        bodies.row_number
    from bodies
    inner join cra
        on
            bodies.financial_year = cra.financial_year and bodies.cra_department = cra.department
            and bodies.cra_organisation = cra.organisation
)

select * from final
