-- NHS spending per person a year by single year of age (85 = 85 and over), sex and IMD quintile
-- (1 = most deprived fifth of LSOAs), from Asaria, Doran and Cookson's published spreadsheet: a
-- research estimate, not a government publication. Renamed and cast; both reference years kept.
with source as (
    select * from {{ source('research', 'nhs_cost_by_age') }}
),

final as (
    select
        reference_year,
        cast(age as integer) as age,
        sex,
        cast(imd_quintile as integer) as imd_quintile,
        cost_gbp_per_person,
        source_id,
        source_file,
        sheet,
        row_number,
        column_letter
    from source
)

select * from final
