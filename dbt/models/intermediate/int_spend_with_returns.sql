-- Every district's spending rows with the partner returns applied: a body's own figure replaces its
-- estimate in the returning place, the rest of its regional figure is re-apportioned over the
-- region's other districts, and money funded by another counted body is taken off the funder.
-- Each row keeps the indicator that placed it and its population-only figure. [rule: returns_rule]
-- [rule: indicator_rule] Incremental by financial year (macro delete_selected_years).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_selected_years() }}") }}
with estimates as (
    -- LG current spending from the returns: an authority serving several districts is shared by
    -- population (indicator population); its population-only figure is itself
    select
        lad_code,
        financial_year,
        cofog_division,
        cofog_group,
        sector,
        department,
        organisation,
        source_id,
        method,
        case when method = 'apportioned_population' then 'population' end as indicator_id,
        cast(null as varchar) as cofog_group_basis,
        fill_rule,
        amount_gbp,
        amount_gbp as population_only_gbp
    from {{ ref('int_lg_current_apportioned') }}
    where {{ selected_years('financial_year') }}
    union all by name
    select * exclude (region_code)
    from {{ ref('int_cra_apportioned') }}
    where {{ selected_years('financial_year') }}
),

districts as (
    select
        lad_code,
        region_code
    from {{ ref('int_districts_described') }}
),

place_districts as (
    select
        place_id,
        lad_code
    from {{ ref('place_districts') }}
),

population as (
    select
        lad_code,
        financial_year,
        population
    from {{ ref('int_district_population_shared') }}
),

returns as (
    select * from {{ ref('stg_partner__returns') }}
    where {{ selected_years('financial_year') }}
),

-- the body's estimate in each district, year and division, and its regional total
body_cells as (
    select
        estimates.sector,
        estimates.department,
        estimates.organisation,
        estimates.financial_year,
        estimates.cofog_division,
        estimates.lad_code,
        districts.region_code,
        sum(estimates.amount_gbp) as estimate_gbp
    from estimates
    inner join districts on estimates.lad_code = districts.lad_code
    group by all
),

-- a body's figure per place and division (its lines added up), at each of the place's districts
body_returned as (
    select
        returns.place_id,
        place_districts.lad_code,
        districts.region_code,
        returns.financial_year,
        returns.sector,
        returns.department,
        returns.organisation,
        returns.cofog_division,
        sum(returns.own_figure_gbp) as figure_gbp,
        string_agg(distinct returns.return_reference, '; ' order by returns.return_reference) as return_reference
    from returns
    inner join place_districts on returns.place_id = place_districts.place_id
    inner join districts on place_districts.lad_code = districts.lad_code
    group by all
),

-- how the place's figure is split over its districts: by the body's estimate, by population where it had none
weighted as (
    select
        body_returned.*,
        coalesce(body_cells.estimate_gbp, 0) as estimate_gbp,
        case
            when sum(coalesce(body_cells.estimate_gbp, 0)) over place_cell > 0
                then coalesce(body_cells.estimate_gbp, 0) / sum(coalesce(body_cells.estimate_gbp, 0)) over place_cell
            else population.population / sum(population.population) over place_cell
        end as weight
    from body_returned
    left join body_cells
        on body_returned.lad_code = body_cells.lad_code and {{ same_body_cell('body_returned', 'body_cells') }}
    inner join population
        on body_returned.lad_code = population.lad_code and body_returned.financial_year = population.financial_year
    window place_cell as (
        partition by
            body_returned.place_id, body_returned.financial_year, body_returned.sector,
            body_returned.department, body_returned.organisation, body_returned.cofog_division
    )
),

-- per region: what was returned against the estimate it replaces, and the factor for the other districts
regional as (
    select
        weighted.region_code,
        weighted.financial_year,
        weighted.sector,
        weighted.department,
        weighted.organisation,
        weighted.cofog_division,
        sum(weighted.figure_gbp * weighted.weight) as returned_gbp,
        sum(weighted.estimate_gbp) as replaced_gbp
    from weighted
    group by all
),

cell_totals as (
    select
        region_code,
        financial_year,
        sector,
        department,
        organisation,
        cofog_division,
        sum(estimate_gbp) as total_gbp
    from body_cells
    group by all
),

factors as (
    select
        regional.*,
        totals.total_gbp,
        case
            when totals.total_gbp - regional.replaced_gbp <> 0
                then (totals.total_gbp - regional.returned_gbp) / (totals.total_gbp - regional.replaced_gbp)
        end as others_factor
    from regional
    inner join cell_totals as totals
        using (region_code, financial_year, sector, department, organisation, cofog_division)
),

kept as (
    select
        estimates.lad_code,
        estimates.financial_year,
        estimates.cofog_division,
        estimates.cofog_group,
        estimates.sector,
        estimates.department,
        estimates.organisation,
        estimates.source_id,
        estimates.method,
        estimates.indicator_id,
        estimates.cofog_group_basis,
        estimates.fill_rule,
        estimates.amount_gbp * coalesce(factors.others_factor, 1) as amount_gbp,
        estimates.population_only_gbp * coalesce(factors.others_factor, 1) as population_only_gbp,
        cast(null as varchar) as return_reference
    from estimates
    inner join districts on estimates.lad_code = districts.lad_code
    left join weighted
        on estimates.lad_code = weighted.lad_code and {{ same_body_cell('estimates', 'weighted') }}
    left join factors
        on districts.region_code = factors.region_code and {{ same_body_cell('estimates', 'factors') }}
    where weighted.lad_code is null  -- the returning districts' estimates are replaced
),

returned as (
    select
        lad_code,
        financial_year,
        cofog_division,
        cast(null as varchar) as cofog_group,
        sector,
        department,
        organisation,
        'partner_return' as source_id,
        'actual_return' as method,
        cast(null as varchar) as indicator_id,
        cast(null as varchar) as cofog_group_basis,
        cast(null as varchar) as fill_rule,
        figure_gbp * weight as amount_gbp,
        figure_gbp * weight as population_only_gbp,
        return_reference
    from weighted
),

transfers as (
    select
        weighted.lad_code,
        returns.financial_year,
        returns.cofog_division,
        cast(null as varchar) as cofog_group,
        returns.funder_sector as sector,
        returns.funder_department as department,
        returns.funder_organisation as organisation,
        'partner_return' as source_id,
        'transfer_removed' as method,
        cast(null as varchar) as indicator_id,
        cast(null as varchar) as cofog_group_basis,
        cast(null as varchar) as fill_rule,
        -returns.own_figure_gbp * weighted.weight as amount_gbp,
        -returns.own_figure_gbp * weighted.weight as population_only_gbp,
        returns.return_reference
    from returns
    inner join weighted
        on returns.place_id = weighted.place_id and {{ same_body_cell('returns', 'weighted') }}
    where returns.funder_organisation is not null
),

final as (
    select * from kept
    union all
    select * from returned
    union all
    select * from transfers
)

select * from final
