-- The error each method's money carries in the count's error band, per financial year of the count:
-- the 90th-percentile absolute error of a district's share that marts.method_accuracy measured for the
-- comparison seed error_bands names, in the same year or, where that comparison was not measured that
-- year, the nearest year measured (the later of two as near). A method with no placement error (the
-- body's own figure) carries 0. [rule: error_band_rule]
with rules as (
    select * from {{ ref('error_bands') }}
),

accuracy as (
    select * from {{ ref('method_accuracy') }}
),

count_years as (
    select distinct financial_year from {{ ref('int_place_years') }}
),

candidates as (
    select
        rules.method,
        rules.indicator_id,
        count_years.financial_year,
        rules.measured_method,
        rules.measured_indicator,
        rules.measured_stream,
        rules.measured_comparator,
        rules.rationale,
        accuracy.financial_year as measured_financial_year,
        accuracy.p90_abs_error,
        accuracy.median_abs_error,
        row_number() over (
            partition by rules.method, rules.indicator_id, count_years.financial_year
            order by
                abs(
                    cast(left(accuracy.financial_year, 4) as integer)
                    - cast(left(count_years.financial_year, 4) as integer)
                ),
                accuracy.financial_year desc
        ) as nearness
    from rules
    cross join count_years
    left join accuracy
        on
            rules.measured_method = accuracy.method
            and rules.measured_indicator = accuracy.indicator
            and rules.measured_stream = accuracy.spending_stream
            and rules.measured_comparator = accuracy.comparator
),

final as (
    select
        method,
        indicator_id,
        financial_year,
        case when measured_method is null then 0 else p90_abs_error end as error_rate,
        median_abs_error,
        measured_method,
        measured_indicator,
        measured_stream,
        measured_comparator,
        measured_financial_year,
        rationale
    from candidates
    where nearness = 1
)

select * from final
