"""totalplace: a reproducible Total Place high-level count as Dagster assets, dbt models and GE gates."""
