-- Each place-year's money by method and indicator, with the error measured for it (marts.method_error_rates):
-- the indicator's own row of seed error_bands, else the method's `*` row, else the method's row without an
-- indicator. error_gbp is the money times that error; place_totals adds them up into the band (linearly
-- within an indicator, in quadrature across). [rule: error_band_rule]
with spend as (
    select * from {{ ref('fct_place_spend') }}
),

error_rates as (
    select * from {{ ref('method_error_rates') }}
),

placed as (
    select
        place_id,
        financial_year,
        method,
        indicator_id,
        sum(amount_gbp) as amount_gbp
    from spend
    group by all
),

matched as (
    select
        placed.*,
        coalesce(own.method, any_indicator.method, no_indicator.method) as matched_method,
        coalesce(own.indicator_id, any_indicator.indicator_id) as matched_indicator_id,
        coalesce(own.error_rate, any_indicator.error_rate, no_indicator.error_rate) as error_rate,
        coalesce(own.measured_stream, any_indicator.measured_stream, no_indicator.measured_stream)
            as measured_stream,
        coalesce(own.measured_comparator, any_indicator.measured_comparator, no_indicator.measured_comparator)
            as measured_comparator,
        coalesce(
            own.measured_financial_year, any_indicator.measured_financial_year, no_indicator.measured_financial_year
        ) as measured_financial_year
    from placed
    left join error_rates as own
        on
            placed.method = own.method and placed.indicator_id = own.indicator_id
            and placed.financial_year = own.financial_year
    left join error_rates as any_indicator
        on
            placed.method = any_indicator.method and any_indicator.indicator_id = '*'
            and placed.financial_year = any_indicator.financial_year
    left join error_rates as no_indicator
        on
            placed.method = no_indicator.method and no_indicator.indicator_id is null
            and placed.financial_year = no_indicator.financial_year
),

final as (
    select
        place_id,
        financial_year,
        method,
        indicator_id,
        amount_gbp,
        error_rate,
        abs(amount_gbp) * error_rate as error_gbp,
        matched_indicator_id,
        measured_stream,
        measured_comparator,
        measured_financial_year
    from matched
)

select * from final
