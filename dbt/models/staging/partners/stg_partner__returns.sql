-- Accepted local spend return lines, renamed and cast; the funding source label split into the
-- funder's sector, department and organisation. [rule: returns_rule]
with source as (
    select * from {{ source('partners', 'partner_returns') }}
),

final as (
    select
        place_id,
        financial_year,
        sector,
        department,
        organisation,
        cofog_division,
        cast(own_figure_gbp as double) as own_figure_gbp,
        nullif(trim(split_part(funding_source, ' | ', 1)), '') as funder_sector,
        nullif(trim(split_part(funding_source, ' | ', 2)), '') as funder_department,
        nullif(trim(regexp_extract(funding_source, '^.*? \| .*? \| (.*)$', 1)), '') as funder_organisation,
        note,
        return_file,
        sheet,
        cast(row_number as integer) as row_number,
        return_file || case when sheet <> '' then ', sheet ''' || sheet || '''' else '' end
        || ', row ' || cast(row_number as varchar) as return_reference
    from source
)

select * from final
