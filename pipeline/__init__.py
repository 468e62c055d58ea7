"""Entente's ETL: load → segment → actors → quotes → dyads → score → store."""

__version__ = "0.1.0"
