"""Report formats, one module each (``NAME``, ``TITLE``, ``EXTENSION``, ``render(result)``)."""
