"""Questions a security team asks of the results store: what is new, how it trends, who depends on what."""
