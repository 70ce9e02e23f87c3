-- no negative place total, and per head within a plausible band: fail loudly rather than publish
select * from {{ ref('place_totals') }}
where
    total_gbp < 0
    or per_capita_gbp not between {{ var('per_head_min_gbp') }} and {{ var('per_head_max_gbp') }}
