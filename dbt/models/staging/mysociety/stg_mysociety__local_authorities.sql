-- mySociety's register of English local authorities (not an ONS file): GSS code, E-code, dates and
-- the authorities that replaced an abolished one (three-letter codes, comma-separated).
with source as (
    select * from {{ source('mysociety', 'geo_la_current') }}
),

final as (
    select
        authority_code,
        gss_code,
        nullif(ecode, '') as ecode,
        nice_name as authority_name,
        local_authority_type,
        try_cast(start_date as date) as start_date,
        try_cast(end_date as date) as end_date,
        case when nullif(replaced_by, '') is not null then string_split(replaced_by, ',') end as replaced_by,
        source_id,
        row_number
    from source
    where nation = 'England'
)

select * from final
