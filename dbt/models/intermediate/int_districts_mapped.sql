-- The 2018 English districts (the count's building blocks) and every older district code mapped to
-- its 2018 district: a code that is itself a 2018 district maps to itself; otherwise its active
-- successor, when that successor is a 2018 district (e.g. Gateshead E08000020 -> E08000037,
-- St Albans E07000100 -> E07000240). Codes whose successor came after 2018 keep their 2018 code.
with population as (
    select distinct
        lad_code,
        lad_name
    from {{ ref('stg_ons__district_population') }}
    where country = 'E'
),

geography as (
    select * from {{ ref('stg_ons__geography') }}
),

codes as (
    select lad_code from geography
    union
    select lad_code from population
),

final as (
    select
        codes.lad_code as any_lad_code,
        coalesce(p_self.lad_code, p_active.lad_code) as lad_code_2018,
        coalesce(p_self.lad_name, p_active.lad_name) as lad_name_2018
    from codes
    left join population as p_self on codes.lad_code = p_self.lad_code
    left join geography on codes.lad_code = geography.lad_code
    left join population as p_active on geography.lad_code_active = p_active.lad_code
    where coalesce(p_self.lad_code, p_active.lad_code) is not null
)

select * from final
