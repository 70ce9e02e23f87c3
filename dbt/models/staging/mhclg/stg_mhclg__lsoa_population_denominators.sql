-- English Indices of Deprivation 2019, File 6: every LSOA's mid-2015 population (excluding
-- prisoners) in total and by age band, with its 2019 district; renamed and cast.
with source as (
    select * from {{ source('mhclg', 'iod_lsoa_population') }}
),

final as (
    select
        lsoa_code,
        lad_code as lad_code_2019,
        cast(population as bigint) as population,
        cast(population_0_15 as bigint) as population_0_15,
        cast(population_16_59 as bigint) as population_16_59,
        cast(population_60_plus as bigint) as population_60_plus,
        population_working_age,
        2015 as mid_year,
        source_id,
        source_file,
        sheet,
        row_number
    from source
)

select * from final
