-- Every financial year the deflator covers, with its GDP deflator and the factor that restates its cash
-- in the prices of the base year (var real_terms_base_year): real = cash x real_terms_factor. Join any
-- mart on financial_year for real terms. [rule: real_terms_rule]
with deflators as (
    select * from {{ ref('int_deflators_averaged') }}
),

base as (
    select gdp_deflator as base_deflator
    from deflators
    where financial_year = '{{ var("real_terms_base_year") }}'
),

final as (
    select
        deflators.financial_year,
        deflators.gdp_deflator,
        '{{ var("real_terms_base_year") }}' as base_year,
        base.base_deflator / deflators.gdp_deflator as real_terms_factor,
        deflators.source_id,
        deflators.first_row_number,
        deflators.last_row_number
    from deflators
    cross join base
)

select * from final
