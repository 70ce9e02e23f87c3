-- The third-party derived revenue outturn series (council_spending.json; NOT a publisher's file),
-- one row per authority, year and service, each service column given its RS line through the seed
-- derived_service_lines: pounds, not thousands. Its class and England totals are not authorities.
-- An authority whose total is null did not submit.
-- [rule: derived_source_rule]
with source as (
    select * from {{ source('third_party', 'derived_revenue_outturn') }}
),

lines as (
    select * from {{ ref('derived_service_lines') }}
),

final as (
    select
        source.source_id,
        source.source_file,
        source.sheet,
        source.row_number,
        source.column_name as column_letter,
        source.financial_year,
        'net_current_expenditure' as measure,
        -- one authority (Lee Valley Regional Park) is given by its E-code in the ONS code field
        case when regexp_matches(source.ons_code, '^E\d{4}$') then source.ons_code end as ecode,
        case when regexp_matches(source.ons_code, '^E\d{8}$') then source.ons_code end as ons_code_published,
        source.authority_name,
        cast(null as varchar) as authority_class,
        lines.rs_line as line_number,
        source.column_name as line_label,
        lines.line_label as line_label_key,
        source.value_gbp_thousand * 1000 as amount_gbp,
        source.return_status,
        source.origin
    from source
    left join lines on source.column_name = lines.column_name
    -- authorities only: not the England total (E92000001) nor the class totals (E06, EOTH, P, FR...)
    where
        (regexp_matches(source.ons_code, '^E\d{8}$') or regexp_matches(source.ons_code, '^E\d{4}$'))
        and source.ons_code <> 'E92000001'
)

select * from final
