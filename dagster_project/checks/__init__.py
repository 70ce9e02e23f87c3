"""Great Expectations suites (expectations/) bound to assets as blocking Dagster asset checks."""
