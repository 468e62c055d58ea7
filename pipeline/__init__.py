"""Entente's ETL: load → segment → actors → quotes → dyads → score → store."""

import os

# Arrow's allocator (mimalloc) returns freed memory at once, so that reading a large input in chunks keeps
# one chunk's worth of freed memory, not many (see pipeline.bench_memory); read when pyarrow is first loaded.
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")

__version__ = "0.1.0"
