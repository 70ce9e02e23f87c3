-- CRA rows used for the count: for each financial year, the latest vintage that publishes it by
-- region. [rule: vintage_rule]
with cra as (
    select * from {{ ref('stg_hmt__cra') }}
),

eligible as (
    select
        *,
        case source_id when 'cra_2018' then 3 when 'cra_2014' then 2 when 'cra_2010_ch9' then 1 end as vintage_rank
    from cra
    where source_id in ('cra_2018', 'cra_2014', 'cra_2010_ch9')  -- ch.10 is England-level detail of ch.9: never also counted
      and not (source_id = 'cra_2010_ch9' and financial_year = '2010-11')  -- plans, not outturn
),

latest as (
    select financial_year, max(vintage_rank) as vintage_rank from eligible group by 1
),

final as (
    select eligible.* exclude (vintage_rank)
    from eligible
    inner join latest using (financial_year, vintage_rank)
)

select * from final
