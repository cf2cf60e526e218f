"""Several assistant instances behind HAProxy: `make cluster` and its tests."""
