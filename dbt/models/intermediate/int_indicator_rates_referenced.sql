-- Each indicator (other than population) per 2019 district at its reference year, and per head of
-- the district's population at that reference: the structure that int_district_indicators_scaled
-- carries to every financial year. [rule: indicator_rule]
with age as (
    select * from {{ ref('stg_ons__population_by_age') }}
),

scales as (
    select * from {{ ref('stg_mhclg__deprivation_scales') }}
),

denominators as (
    select
        lad_code_2019,
        sum(population) as population_2015
    from {{ ref('stg_mhclg__lsoa_population_denominators') }}
    group by all
),

lsoas as (
    select
        lad_code_2019,
        imd_rank_2019,
        population_2018
    from {{ ref('stg_ons__small_areas') }}
),

nhs_cost as (
    select * from {{ ref('stg_research__nhs_cost_by_age') }}
    where reference_year = '2014-15'
),

-- age indicators from MYE2 mid-2018
age_counts as (
    select
        lad_code_2019,
        sum(population) as population_2018,
        sum(population) filter (where age >= 65) as pension_age_population,
        sum(population) filter (where age <= 15) as children_0_15,
        sum(population) filter (where age between 4 and 18) as school_age_population
    from age
    group by all
),

age_rates as (
    {%- for indicator in ["pension_age_population", "children_0_15", "school_age_population"] %}
        select
            lad_code_2019,
            '{{ indicator }}' as indicator_id,
            {{ indicator }} as value_at_reference,
            population_2018 as population_at_reference,
            'mid-2018' as reference_year
        from age_counts
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

-- deprivation counts from IoD 2019 (denominators: the IoD's own mid-2015 LSOA populations)
deprivation_rates as (
    select
        scales.lad_code_2019,
        scales.domain || '_deprived' as indicator_id,
        scales.deprived_people as value_at_reference,
        denominators.population_2015 as population_at_reference,
        'about 2015-16 (IoD 2019)' as reference_year
    from scales
    inner join denominators on scales.lad_code_2019 = denominators.lad_code_2019
),

-- health: each district's share of its mid-2018 LSOA population in each national IMD 2019 quintile
-- (1 = the most deprived fifth of LSOAs)
quintiles as (
    select
        lad_code_2019,
        ntile(5) over (order by imd_rank_2019) as imd_quintile,
        population_2018
    from lsoas
),

quintile_mix as (
    select
        lad_code_2019,
        imd_quintile,
        sum(population_2018) / sum(sum(population_2018)) over (partition by lad_code_2019) as quintile_share
    from quintiles
    group by lad_code_2019, imd_quintile
),

-- NHS cost per person of each age and sex in the district: the national cost of each quintile
-- weighted by the district's quintile mix
district_cost as (
    select
        quintile_mix.lad_code_2019,
        nhs_cost.age,
        nhs_cost.sex,
        sum(quintile_mix.quintile_share * nhs_cost.cost_gbp_per_person) as cost_gbp_per_person
    from quintile_mix
    inner join nhs_cost on quintile_mix.imd_quintile = nhs_cost.imd_quintile
    group by all
),

need as (
    select
        age.lad_code_2019,
        sum(age.population * district_cost.cost_gbp_per_person) as need_gbp,
        sum(age.population) as population_2018
    from age
    inner join district_cost
        on
            age.lad_code_2019 = district_cost.lad_code_2019
            and age.sex = district_cost.sex
            and district_cost.age = least(age.age, 85)   -- the cost table's last age is 85 and over
    group by all
),

-- in persons: the need at England's average NHS cost per head, so an average district weighs its head count
health_rates as (
    select
        lad_code_2019,
        'health_need_weighted_population' as indicator_id,
        need_gbp / (sum(need_gbp) over () / sum(population_2018) over ()) as value_at_reference,
        population_2018 as population_at_reference,
        'mid-2018 (age and sex); 2014-15 (NHS costs); IMD 2019' as reference_year
    from need
),

rates as (
    select * from age_rates
    union all
    select * from deprivation_rates
    union all
    select * from health_rates
),

final as (
    select
        lad_code_2019,
        indicator_id,
        value_at_reference,
        population_at_reference,
        value_at_reference / population_at_reference as rate_per_head,
        reference_year
    from rates
)

select * from final
