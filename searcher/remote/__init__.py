"""Remote: the same search on an OpenSearch cluster, for a collection that outgrows one machine.

`push_index` loads an index's passages into OpenSearch with searcher's analysis already applied
(search/export.py writes the fields); `RemoteSearcher` answers the same query syntax there, with
the same Hit and SearchResult as search.Searcher, so the CLI and the TUI use it unchanged.
Needs the optional dependency opensearch-py (pip install 'searcher[opensearch]').
"""

from searcher.remote.engine import RemoteSearcher
from searcher.remote.push import PushReport, push_index

__all__ = ["PushReport", "RemoteSearcher", "push_index"]
