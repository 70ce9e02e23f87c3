"""totalplace: a reproducible Total Place high-level count as Dagster assets, dbt models and GE gates."""

import os

# Quiet third-party progress bars and telemetry before they are imported (GE draws a tqdm bar per
# validation; our own progress lines are what the terminal should show).
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

import warnings

# Every asset carries a single-run backfill policy (partitions.py explains why); dagster 1.13 marks the
# parameter beta and would warn once per asset at every definitions load.
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy` of function .* is currently in beta")
