"""Entente's ETL: load → segment → actors → quotes → dyads → score → store."""
