-- The districts' outlines, a third party's cut of ONS's May-2024 boundaries (NOT ONS's file), one row
-- per district name. [rule: derived_source_rule]
with source as (
    select * from {{ source('third_party', 'district_outlines') }}
),

final as (
    select
        name as district_name,
        geometry,
        source_id,
        source_file,
        row_number,
        'third_party_derived' as source_origin
    from source
)

select * from final
