-- Public bodies directories 2012-2015, renamed and cast: the financial year the figures are for
-- (directory Y covers the year ending March Y) and the money columns as pounds where a figure is
-- printed ("See entry for ...", "< 5000" and the like are null). [rule: ndpb_rule]
with source as (
    select * from {{ source('cabinet_office', 'public_bodies') }}
),

final as (
    select
        source_id,
        source_file,
        sheet,
        row_number,
        cast(directory_year as integer) as directory_year,
        cast(cast(directory_year as integer) - 1 as varchar) || '-'
        || lpad(cast(cast(directory_year as integer) % 100 as varchar), 2, '0') as financial_year,
        trim(body_name) as body_name,
        coalesce(department, '') as directory_department,
        classification,
        government_funding as government_funding_published,
        {{ parse_pounds('government_funding') }} as government_funding_gbp,
        total_gross_expenditure as total_gross_expenditure_published,
        {{ parse_pounds('total_gross_expenditure') }} as total_gross_expenditure_gbp
    from source
    where body_name is not null
    -- a note printed in the body column with nothing else on its row (2015: "arm's length bodies
    -- abolished before 31st March 2015 show zero ...") is not a body
    and not (department is null and classification is null and total_gross_expenditure is null)
)

select * from final
