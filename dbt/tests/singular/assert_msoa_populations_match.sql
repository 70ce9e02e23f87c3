-- the inferred LSOA -> MSOA seed reproduces every published MSOA population exactly
-- shown in Dagster as a check on lsoa_to_msoa
{{ config(meta={'dagster': {'ref': {'name': 'lsoa_to_msoa'}}}) }}
with lsoas as (
    select
        m.msoa_code,
        sum(s.population_2018) as population
    from {{ ref('lsoa_to_msoa') }} as m inner join {{ ref('stg_ons__small_areas') }} as s using (lsoa_code)
    group by 1
),

published as (
    select
        area_code as msoa_code,
        cast(population as bigint) as population
    from {{ source('ons', 'ons_small_area_population') }}
    where area_type = 'MSOA' and area_code like 'E02%'
)

select
    coalesce(published.msoa_code, lsoas.msoa_code) as msoa_code,
    published.population as published_population,
    lsoas.population as lsoa_population
from published
full join lsoas on published.msoa_code = lsoas.msoa_code
where published.population is distinct from lsoas.population
