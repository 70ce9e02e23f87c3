-- the inferred LSOA -> MSOA seed reproduces every published MSOA population exactly
{{ config(meta={'dagster': {'ref': {'name': 'lsoa_to_msoa'}}}) }}  -- shown in Dagster as a check on lsoa_to_msoa
with lsoas as (
    select m.msoa_code, sum(s.population_2018) as population
    from {{ ref('lsoa_to_msoa') }} m join {{ ref('stg_ons__small_areas') }} s using (lsoa_code) group by 1
),
published as (
    select area_code as msoa_code, cast(population as bigint) as population
    from {{ source('raw', 'ons_small_area_population') }} where area_type = 'MSOA' and area_code like 'E02%'
)
select * from published full join lsoas using (msoa_code)
where published.population is distinct from lsoas.population
