-- RS returns 2007-08 to 2017-18 in one long schema, renamed and cast: pounds, not thousands.
with source as (
    select * from {{ source('raw', 'revenue_outturn_rs') }}
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
        ons_code as ons_code_published,
        authority_name,
        authority_class,
        line_number,
        line_label,
        lower(regexp_replace(trim(line_label), '\s+', ' ', 'g')) as line_label_key,
        value_gbp_thousand * 1000 as amount_gbp
    from source
    where value_gbp_thousand is not null
)

select * from final
