-- CRA, all vintages, renamed and cast: values in pounds whatever the published unit.
with source as (
    select * from {{ source('raw', 'cra') }}
),

final as (
    select
        source_id,
        source_file,
        sheet,
        row_number,
        vintage,
        financial_year,
        department,
        organisation,
        segment_code,
        segment_name,
        cofog_function,
        cofog_subfunction,
        upper(trim(id_or_non_id)) = 'ID' as is_identifiable,
        cap_or_cur,
        case when sector = 'LA' then 'LG' else sector end as sector,
        region as region_published,
        unit as unit_published,
        value * case unit when 'GBP million' then 1000000 when 'GBP thousand' then 1000 end as amount_gbp
    from source
)

select * from final
