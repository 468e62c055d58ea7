"""Data layer of the Streamlit dashboard: URL state, queries, figures, exports, cached loaders."""
