"""Files → passages → the index: Whoosh's stored passages plus our postings arrays."""
