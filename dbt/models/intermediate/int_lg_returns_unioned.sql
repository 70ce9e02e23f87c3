-- Each year's local government net current expenditure from the best return the year has: the
-- publisher's RS or RSX file where there is one (2007-08 to 2017-18, 2021-22 to 2024-25), else the
-- third-party derived series (2018-19 to 2020-21; source_origin says so). One row per authority,
-- year and line, with authority_key: the E-code where seed authority_coverage knows it, else
-- 'ons:' and the ONS code (authorities created since 2018 and the derived series, which has no
-- E-codes). [rule: lg_from_returns_rule] [rule: derived_source_rule]
{#- the columns both kinds of return give, in one order -#}
{%- set return_columns = [
    "source_id", "source_file", "sheet", "row_number", "column_letter", "financial_year", "ecode",
    "ons_code_published as ons_code", "authority_name", "line_number", "line_label_key", "amount_gbp",
    "return_status",
] %}

with publisher_returns as (
    select
        {{ return_columns | join(",\n        ") }}
    from {{ ref('stg_mhclg__rs_returns') }}
    where measure = 'net_current_expenditure'
),

derived_returns as (
    select
        {{ return_columns | join(",\n        ") }}
    from {{ ref('stg_third_party__council_spending') }}
),

manifest as (
    select
        source_id,
        origin
    from {{ ref('sources') }}
),

coverage as (
    select distinct ecode from {{ ref('authority_coverage') }}
),

-- the derived series fills only the years no publisher file covers
chosen as (
    select * from publisher_returns
    union all
    select * from derived_returns
    where financial_year not in (select distinct publisher_returns.financial_year from publisher_returns)
),

-- the E-code the publishers' own files give an ONS code (for the derived rows, which have none)
ecodes as (
    select
        ons_code,
        min(ecode) as ecode
    from publisher_returns
    where ons_code is not null and ecode is not null
    group by ons_code
    having count(distinct ecode) = 1
),

final as (
    select
        chosen.source_id,
        manifest.origin as source_origin,
        chosen.source_file,
        chosen.sheet,
        chosen.row_number,
        chosen.column_letter,
        chosen.financial_year,
        coalesce(chosen.ecode, ecodes.ecode) as ecode,
        chosen.ons_code,
        coalesce(coverage.ecode, 'ons:' || chosen.ons_code) as authority_key,
        chosen.authority_name,
        chosen.line_number,
        chosen.line_label_key,
        chosen.amount_gbp,
        chosen.return_status
    from chosen
    left join ecodes on chosen.ons_code = ecodes.ons_code
    left join coverage on coverage.ecode = coalesce(chosen.ecode, ecodes.ecode)
    left join manifest on chosen.source_id = manifest.source_id
)

select * from final
