-- Every 2018 English district with every code it has been part of since: itself, any district it was
-- merged into (e.g. Taunton Deane -> Somerset West and Taunton, 2019) and its April-2023 district
-- (-> Somerset, 2023), found by following the replaced-by chain of mySociety's register. The
-- reorganisations of 2019-2023 merged whole districts, so each April-2023 district is the union of
-- its 2018 predecessors. last_financial_year is the last year a merged district existed (null if it
-- still does). [rule: reorganisation_rule]
with recursive districts as (
    select distinct
        lad_code,
        lad_name
    from {{ ref('stg_ons__district_population') }}
    where country = 'E'
),

authorities as (
    select * from {{ ref('stg_mysociety__local_authorities') }}
),

chain as (
    select
        districts.lad_code,
        authorities.authority_code,
        0 as step
    from districts
    inner join authorities on districts.lad_code = authorities.gss_code
    union all
    select
        chain.lad_code,
        successor.authority_code,
        chain.step + 1 as step
    from chain
    inner join authorities as current_authority on chain.authority_code = current_authority.authority_code
    inner join authorities as successor on list_contains(current_authority.replaced_by, successor.authority_code)
    where current_authority.end_date is not null and chain.step < 5
),

steps as (
    select
        chain.lad_code,
        chain.step,
        authorities.gss_code as code,
        authorities.authority_name as name,
        authorities.end_date
    from chain
    inner join authorities on chain.authority_code = authorities.authority_code
),

own as (
    -- a district abolished by 1 April: its last financial year is the one that ended the day before
    select
        lad_code,
        case
            when end_date is not null then
                cast(
                    year(end_date - interval 1 day)
                    - case when month(end_date - interval 1 day) < 4 then 1 else 0 end as varchar
                )
                || '-'
                || right(
                    cast(
                        year(end_date - interval 1 day)
                        - case when month(end_date - interval 1 day) < 4 then 1 else 0 end
                        + 1 as varchar
                    ),
                    2
                )
        end as last_financial_year
    from steps
    where step = 0
),

latest as (
    select
        lad_code,
        code as lad_code_2023,
        name as lad_name_2023
    from steps
    where end_date is null
),

final as (
    select
        districts.lad_code,
        districts.lad_name,
        steps.code,
        steps.name as code_name,
        steps.step,
        steps.code = latest.lad_code_2023 as is_2023_district,
        latest.lad_code_2023,
        latest.lad_name_2023,
        own.last_financial_year
    from districts
    inner join steps on districts.lad_code = steps.lad_code
    left join latest on districts.lad_code = latest.lad_code
    left join own on districts.lad_code = own.lad_code
)

select * from final
