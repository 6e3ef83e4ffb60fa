"""Network layer: the one HTTP client, its transport, cache, endpoint table, throttling and redaction."""
