"""The rollup: many jurisdictions' repositories as Parquet snapshots, queried together in DuckDB."""
