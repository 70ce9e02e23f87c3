-- CG and PC: the districts' allocations add back to every published regional figure (under £1,000)
select * from {{ ref('reconciliation') }}
where sector in ('CG', 'PC') and abs(difference_gbp) >= 1000
