"""Entente's ETL: load → segment → actors → quotes → dyads → score → store."""

import os

os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")
"""Arrow's allocator (mimalloc) returns freed memory at once, so that reading a large input in chunks holds
one chunk's worth of freed memory, not many (``pipeline.bench_memory``); read when pyarrow is first loaded."""

__version__ = "0.1.0"
