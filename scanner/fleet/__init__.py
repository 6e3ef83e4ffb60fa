"""Fleets: many repositories scanned on a Dask cluster, each package looked up once for all of them."""
