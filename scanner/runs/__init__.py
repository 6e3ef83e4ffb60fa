"""A scan's result as plain data and back: JSON reports read again, shards combined into one run."""
