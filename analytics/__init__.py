"""Pure domain logic: no streamlit, no duckdb. pandas/numpy/scipy/pulp in, typed results out."""
