-- CRA, all vintages, renamed and cast into one schema: values in pounds whatever the published
-- unit, region labels to ONS codes (seed cra_regions), sector LA = LG, ID flags normalised, COFOG
-- division and group codes parsed from the published labels.
with source as (
    select * from {{ source('hmt', 'cra') }}
),

regions as (
    select * from {{ ref('cra_regions') }}
),

cofog as (
    select cofog_code from {{ ref('stg_un__cofog') }}
),

parsed as (
    select
        source.*,
        -- "10. Social protection" -> "10"; "4. Economic affairs" -> "04"
        case
            when regexp_matches(source.cofog_function, '^\d+\.')
                then lpad(regexp_extract(source.cofog_function, '^(\d+)\.', 1), 2, '0')
        end as division_parsed,
        -- "10.4 Family and children" -> "10.4"; "4.3 Fuel and energy" -> "04.3"
        case
            when regexp_matches(source.cofog_subfunction, '^\d+\.\d\b')
                then
                    lpad(regexp_extract(source.cofog_subfunction, '^(\d+)\.', 1), 2, '0') || '.'
                    || regexp_extract(source.cofog_subfunction, '^\d+\.(\d)', 1)
        end as group_parsed
    from source
),

final as (
    select
        parsed.source_id,
        parsed.source_file,
        parsed.sheet,
        parsed.row_number,
        parsed.vintage,
        parsed.financial_year,
        parsed.department,
        parsed.organisation,
        parsed.segment_code,
        parsed.segment_name,
        parsed.cofog_function,
        parsed.cofog_subfunction,
        parsed.hmt_subfunction,
        parsed.division_parsed as cofog_division,
        cofog.cofog_code as cofog_group,
        upper(trim(parsed.id_or_non_id)) = 'ID' as is_identifiable,
        -- CRA 2020 on print TES_CUR / TES_CAP in some rows: the same current / capital split
        case
            when parsed.cap_or_cur like '%CUR' then 'CUR' when parsed.cap_or_cur like '%CAP' then 'CAP'
            else parsed.cap_or_cur
        end as cap_or_cur,
        case when parsed.sector = 'LA' then 'LG' else parsed.sector end as sector,
        parsed.region as region_published,
        regions.region_code,
        regions.region_kind,
        parsed.unit as unit_published,
        parsed.value * case parsed.unit when 'GBP million' then 1000000 when 'GBP thousand' then 1000 end as amount_gbp
    from parsed
    left join regions on regions.region_label = lower(trim(parsed.region))
    left join cofog on parsed.group_parsed = cofog.cofog_code
)

select * from final
