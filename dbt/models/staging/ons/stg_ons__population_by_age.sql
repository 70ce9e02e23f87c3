-- ONS MYE2 mid-2018 (April 2019 district codes): English districts' population by sex and single
-- year of age, renamed and cast. Age 90 is 90 and over. Persons and the all-ages column are left
-- out (they are the sum of the rows kept).
with source as (
    select * from {{ source('ons', 'ons_population_by_age') }}
),

final as (
    select
        area_code as lad_code_2019,
        area_name as lad_name,
        sex,
        cast(regexp_extract(age, '^(\d+)', 1) as integer) as age,
        cast(population as bigint) as population,
        2018 as mid_year,
        source_id,
        source_file,
        sheet,
        row_number
    from source
    where
        regexp_matches(area_code, '^E0[6-9]')
        and sex in ('male', 'female')
        and regexp_matches(age, '^\d+\+?$')
)

select * from final
