"""Item pipelines, in order: validate, clean, dates, dedup, store."""
