"""Bundled sample data and the seeded generator that makes it (`data.generate`).

`data/sample/<NN>_<YYYY-MM>/` holds the default bundle: six monthly snapshots of about sixty
projects, written by `python -m data.generate` with a fixed seed. The working database
(`data/lodestar.duckdb`) also lives here and is git-ignored.
"""
