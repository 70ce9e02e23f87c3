-- English Indices of Deprivation 2019, File 10: the number of people income-deprived and
-- employment-deprived in every 2019 district (counted by MHCLG from DWP and HMRC benefit records,
-- around 2015-16), renamed and cast.
with source as (
    select * from {{ source('mhclg', 'iod_district_scales') }}
),

final as (
    select
        lad_code as lad_code_2019,
        lad_name,
        domain,
        deprived_people,
        source_id,
        source_file,
        sheet,
        row_number
    from source
)

select * from final
