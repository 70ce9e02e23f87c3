-- Every place-year of the count has its error band, and it holds the count: each method's money found
-- a measured error (seed error_bands, marts.method_error_rates) and total_low_gbp <= total_gbp <=
-- total_high_gbp. Rows returned are the place-years that fail, with what is wrong.
-- [rule: error_band_rule]
select
    place_id,
    financial_year,
    total_gbp,
    total_low_gbp,
    total_high_gbp,
    unmeasured_methods,
    case
        when unmeasured_methods > 0 then 'a method of its money has no measured error in seed error_bands'
        when total_low_gbp is null or total_high_gbp is null then 'no band'
        else 'band does not hold the total'
    end as problem
from {{ ref('place_totals') }}
where
    total_gbp is not null
    and (
        unmeasured_methods > 0
        or total_low_gbp is null
        or total_high_gbp is null
        or not (total_low_gbp <= total_gbp and total_gbp <= total_high_gbp)
    )
