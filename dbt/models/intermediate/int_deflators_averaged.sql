-- The GDP deflator of each financial year: the mean of its four quarters, April to March; a year
-- without all four quarters in the file has none. [rule: real_terms_rule]
with quarters as (
    select * from {{ ref('stg_ons__gdp_deflator') }}
),

final as (
    select
        financial_year,
        avg(deflator) as gdp_deflator,
        count(*) as n_quarters,
        min(row_number) as first_row_number,
        max(row_number) as last_row_number,
        any_value(source_id) as source_id
    from quarters
    group by financial_year
    having count(*) = 4
)

select * from final
