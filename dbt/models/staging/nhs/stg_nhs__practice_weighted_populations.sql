-- Every GP practice's need-weighted populations per allocation year, with the district where its
-- surgery is (LAD21) and its ICB. [rule: funder_allocation_rule]
with source as (
    select * from {{ source('nhs', 'nhs_practice_weighted_population') }}
),

final as (
    select
        financial_year,
        practice_code,
        lad21_code,
        icb_code,
        nhs_region_code,
        list_size,
        final_wp,
        final_pmc_wp,
        source_id,
        source_file,
        row_number
    from source
)

select * from final
