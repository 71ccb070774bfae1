"""The pipeline: ingest → analysis → store, on every core, one atomic commit per run."""
