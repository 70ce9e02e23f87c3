-- RS returns 2007-08 to 2017-18 and 2023-24, and the RSX service summaries 2021-22, 2022-23 and
-- 2024-25, in one long schema, renamed and cast: pounds, not thousands. An authority that did not
-- submit (Notes "M") keeps its rows with return_status 'not_submitted' and no amount.
with source as (
    select * from {{ source('mhclg', 'revenue_outturn_rs') }}
),

final as (
    select
        source_id,
        source_file,
        sheet,
        row_number,
        column_letter,
        financial_year,
        measure,
        ecode,
        -- not Lee Valley's E-code
        case when regexp_matches(ons_code, '^E\d{8}$') then ons_code end as ons_code_published,
        authority_name,
        authority_class,
        line_number,
        line_label,
        lower(regexp_replace(trim(line_label), '\s+', ' ', 'g')) as line_label_key,
        value_gbp_thousand * 1000 as amount_gbp,
        coalesce(return_status, 'submitted') as return_status
    from source
    where value_gbp_thousand is not null or return_status = 'not_submitted'
)

select * from final
