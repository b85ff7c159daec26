"""Raw files -> pre-aggregated warehouse (Parquet) with statistical secrecy applied."""
