"""The on-disk index, read and written: layout, postings, generations, the commit; the only
folder that imports Whoosh."""
