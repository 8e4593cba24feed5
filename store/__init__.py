"""The only code that touches DuckDB: connection and migrations (`db`), snapshots (`snapshots`),
the import pipeline (`importer`, `contract`), and named queries per area."""
