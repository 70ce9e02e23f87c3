-- The CRA rows the count apportions (identifiable, English regions; CG, PC and LG capital; published
-- cells only), each with a COFOG group: as published, or, for a year whose vintage gives regions only
-- divisions (2008-09, CRA 2010 chapter 9), split by the region's group shares of the same sector,
-- capital or current, and division in the nearest year that publishes groups. [rule: group_split_rule]
with cra as (
    select
        region_code,
        financial_year,
        cofog_division,
        cofog_group,
        sector,
        cap_or_cur,
        department,
        organisation,
        source_id,
        amount_gbp
    from {{ ref('int_cra_vintages_deduplicated') }}
    where
        is_identifiable
        and region_kind = 'english_region'
        and (sector in ('CG', 'PC') or (sector = 'LG' and cap_or_cur = 'CAP'))
        and amount_gbp is not null  -- an empty published cell is no spending
),

years as (
    select
        financial_year,
        count(cofog_group) > 0 as has_groups
    from cra
    group by all
),

-- for each year without groups, the nearest year with them (the later one on a tie)
donors as (
    select
        ungrouped.financial_year,
        donor.financial_year as donor_year
    from years as ungrouped
    inner join years as donor on donor.has_groups
    where not ungrouped.has_groups
    qualify row_number() over (
        partition by ungrouped.financial_year
        order by
            abs(cast(left(donor.financial_year, 4) as integer) - cast(left(ungrouped.financial_year, 4) as integer)),
            donor.financial_year desc
    ) = 1
),

donor_shares as (
    select
        financial_year as donor_year,
        region_code,
        sector,
        cap_or_cur,
        cofog_division,
        cofog_group,
        sum(amount_gbp) / sum(sum(amount_gbp)) over (
            partition by financial_year, region_code, sector, cap_or_cur, cofog_division
        ) as group_share
    from cra
    where financial_year in (select donors.donor_year from donors)
    group by financial_year, region_code, sector, cap_or_cur, cofog_division, cofog_group
    -- a division whose donor figure is zero cannot give shares: it keeps its division only
    qualify
        sum(sum(amount_gbp)) over (partition by financial_year, region_code, sector, cap_or_cur, cofog_division) <> 0
),

published as (
    select
        cra.*,
        'published' as cofog_group_basis
    from cra
    where cra.financial_year not in (select donors.financial_year from donors)
),

to_split as (
    select
        cra.* exclude (cra.cofog_group),
        donors.donor_year
    from cra
    inner join donors using (financial_year)
),

split as (
    select
        to_split.region_code,
        to_split.financial_year,
        to_split.cofog_division,
        donor_shares.cofog_group,
        to_split.sector,
        to_split.cap_or_cur,
        to_split.department,
        to_split.organisation,
        to_split.source_id,
        to_split.amount_gbp * coalesce(donor_shares.group_share, 1) as amount_gbp,
        case
            when donor_shares.donor_year is null then 'division only: no ' || to_split.donor_year || ' group shares'
            else 'split by the region''s ' || to_split.donor_year || ' group shares'
        end as cofog_group_basis
    from to_split
    left join donor_shares
        on
            to_split.donor_year = donor_shares.donor_year
            and to_split.region_code = donor_shares.region_code
            and to_split.sector = donor_shares.sector
            and to_split.cap_or_cur = donor_shares.cap_or_cur
            and to_split.cofog_division = donor_shares.cofog_division
),

final as (
    select * from published
    union all by name
    select * from split
)

select * from final
