-- The allocation tool's 2021/22 workbook: every GP practice's hospital and community health services
-- weighted population (WP_HCHS) of its 2018/19 list, with its CCG (2019), PCN and ICS; no district column.
-- [rule: funder_allocation_rule]
with source as (
    select * from {{ source('nhs', 'nhs_practice_weighted_population_2021_22') }}
),

final as (
    select
        financial_year,
        practice_code,
        pcn_code,
        ccg_code,
        icb_code,
        nhs_region_code,
        list_size,
        hchs_wp,
        source_id,
        source_file,
        row_number
    from source
)

select * from final
