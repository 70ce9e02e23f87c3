-- NHS England's allocation to each of the 42 ICBs per allocation and year, in pounds, with its cell;
-- England's published total is kept apart (stg_nhs__icb_allocations is ICBs only; the England row
-- is the gate's comparator, assert_icb_allocations_add_to_england). [rule: funder_allocation_rule]
with source as (
    select * from {{ source('nhs', 'nhs_icb_allocations') }}
),

final as (
    select
        financial_year,
        allocation,
        icb_code,
        area_name as icb_name,
        nhs_region_code,
        value_gbp_thousand * 1000 as allocation_gbp,
        source_id,
        source_file,
        sheet,
        row_number,
        column_letter
    from source
    where area_kind = 'icb'
)

select * from final
