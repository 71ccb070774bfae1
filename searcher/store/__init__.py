"""The on-disk index, read and written: layout, postings, generations, the commit, and the Whoosh
codec through which stock Whoosh reads it (codec.py); the only folder that imports Whoosh, and
never on the query path."""
