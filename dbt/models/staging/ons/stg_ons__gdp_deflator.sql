-- ONS's GDP implied deflator (YBGB), one row per quarter, with the financial year the quarter falls
-- in: April to June (Q2) opens financial year YYYY-YY, January to March (Q1) closes the one before.
-- [rule: real_terms_rule]
with source as (
    select * from {{ source('ons', 'ons_gdp_deflator') }}
),

final as (
    select
        period,
        calendar_year,
        quarter,
        case when quarter = 1 then calendar_year - 1 else calendar_year end as financial_year_start,
        cast(case when quarter = 1 then calendar_year - 1 else calendar_year end as varchar)
        || '-'
        || right(cast(case when quarter = 1 then calendar_year else calendar_year + 1 end as varchar), 2)
            as financial_year,
        deflator,
        source_id,
        source_file,
        row_number,
        column_letter
    from source
)

select * from final
