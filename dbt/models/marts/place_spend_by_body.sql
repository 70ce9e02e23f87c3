-- Each place's spending by delivering body, from the count's own rows: arm's-length bodies labelled
-- with their directory classification, never added on top of the departments. [rule: ndpb_rule]
with spend as (
    select
        place_id,
        financial_year,
        sector,
        department,
        organisation,
        sum(amount_gbp) as amount_gbp
    from {{ ref('fct_place_spend') }}
    group by all
),

bodies as (  -- one directory entry per CRA organisation: the latest directory that names it
    select
        cra_department,
        cra_organisation,
        arg_max(body_name, directory_year) as directory_body,
        arg_max(classification, directory_year) as classification,
        bool_or(is_ndpb) as is_ndpb,
        arg_max(excluded_by, directory_year) as excluded_by
    from {{ ref('int_public_bodies_linked') }}
    where cra_organisation is not null
    group by all
),

final as (
    select
        spend.place_id,
        spend.financial_year,
        spend.sector,
        spend.department,
        spend.organisation,
        case
            when spend.sector = 'LG' then 'local government'
            when bodies.is_ndpb and bodies.excluded_by is null then 'NDPB'
            when bodies.classification is not null and bodies.excluded_by is null then lower(bodies.classification)
            when {{ is_department_itself('spend.organisation', 'spend.department') }} then 'department'
            else 'other body (not in the directories)'
        end as body_kind,
        bodies.directory_body,
        bodies.classification,
        coalesce(bodies.is_ndpb and bodies.excluded_by is null, false) as is_ndpb,
        bodies.excluded_by,
        spend.amount_gbp
    from spend
    left join bodies on spend.department = bodies.cra_department and spend.organisation = bodies.cra_organisation
)

select * from final
