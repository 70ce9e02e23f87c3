"""Great Expectations 1.x suites, as code, one module per layer."""
