"""Every argument and option of the commands, help text included, as Annotated types.

main.py wires commands from these (`index: options.IndexOption = None`), so a command reads as
what it does, and an option several commands take (--index, --limit, --all) is written once. The
defaults stay in main.py's signatures, where Typer reads them.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from searcher import __version__


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Sort(StrEnum):
    relevance = "relevance"
    date = "date"
    path = "path"


class ExportFormat(StrEnum):
    opensearch_bulk = "opensearch-bulk"


# Shared by several commands.
IndexOption = Annotated[
    Path | None,
    typer.Option(
        "--index",
        "-i",
        help="Index directory (default: $SEARCHER_INDEX, ./index/, or the user data dir).",
    ),
]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="Number of hits to show.")]
JsonOption = Annotated[
    bool, typer.Option("--json", help="JSON Lines on stdout, one object per hit.")
]
AllWordsOption = Annotated[bool, typer.Option("--all", help="Only passages holding every word.")]
CollapseOption = Annotated[
    bool,
    typer.Option(
        "--collapse/--no-collapse",
        help="Show passages of the same text once, with the number of places (default), or all.",
    ),
]


# searcher (no command)
def _show_version(value: bool) -> None:
    if value:
        print(f"searcher {__version__}")
        raise typer.Exit()


VersionOption = Annotated[
    bool,
    typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")]

# searcher index
PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Files and folders to index (default: those indexed before)."),
]
RebuildOption = Annotated[bool, typer.Option("--rebuild", help="Start over instead of updating.")]
WaitOption = Annotated[
    float,
    typer.Option("--wait", min=0, help="Seconds to wait for another indexing run to finish."),
]
UserdictOption = Annotated[
    Path | None,
    typer.Option("--userdict", help="A jieba user dictionary, kept with the index."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or warnings.")]
ForgetOption = Annotated[
    list[Path] | None,
    typer.Option("--forget", help="Drop this root (a file or folder) and its passages."),
]
FollowOption = Annotated[
    bool, typer.Option("--follow", "-L", help="Follow symbolic links inside folders.")
]
# The ignore rules are remembered with the index: None keeps what it remembers.
HiddenOption = Annotated[
    bool | None,
    typer.Option("--hidden/--no-hidden", help="Index hidden files and folders (.name) too."),
]
NoIgnoreOption = Annotated[
    bool | None,
    typer.Option(
        "--no-ignore/--ignore", help="Don't honour .gitignore, .ignore and .searcherignore."
    ),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="GLOB",
        help="Leave out what matches this gitignore-style glob, relative to each root"
        " (repeatable; replaces the remembered ones).",
    ),
]
NoExcludeOption = Annotated[
    bool, typer.Option("--no-exclude", help="Forget the remembered --exclude globs.")
]

# searcher query
WordsArgument = Annotated[
    list[str], typer.Argument(help="What to search for (see the syntax below).")
]
FullOption = Annotated[bool, typer.Option("--full", help="Show whole passages, not fragments.")]
ColorOption = Annotated[
    Color, typer.Option("--color", help="Colour: auto (on a terminal), always, never.")
]

QueryLimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", min=1, help="Number of hits to show (default 10; with -l, every document)."
    ),
]
SortOption = Annotated[
    Sort,
    typer.Option("--sort", help="Order: relevance, date (newest file first), path."),
]
GroupOption = Annotated[
    bool,
    typer.Option(
        "--group", "-g", help="One hit per document: its best passage, with its count of matches."
    ),
]
FilesOption = Annotated[
    bool,
    typer.Option(
        "--files-with-matches", "-l", help="Only each matching document's location, best first."
    ),
]
CountOption = Annotated[
    bool,
    typer.Option(
        "--count", "-c", help="Only the number of matching passages (per document with -l)."
    ),
]
ContextOption = Annotated[
    int,
    typer.Option(
        "--context", "-C", min=0, metavar="N", help="Show N passages before and after each hit."
    ),
]
ExplainOption = Annotated[
    bool, typer.Option("--explain", help="Show how each hit's score is made up.")
]

# searcher batch
SourceArgument = Annotated[
    str, typer.Argument(help="File of queries, one per line or JSON Lines; - for stdin.")
]

# searcher eval
QrelsArgument = Annotated[
    Path,
    typer.Argument(help='Judged queries, JSON Lines: {"qid", "query", "relevant": [ids]}.'),
]
CutoffOption = Annotated[int, typer.Option("-k", min=1, help="Cutoff of MRR@k and nDCG@k.")]
EvalJsonOption = Annotated[
    bool, typer.Option("--json", help="One JSON object: the metrics and every query's.")
]

# searcher export
ExportFormatOption = Annotated[ExportFormat, typer.Option("--format", "-f", help="What to write.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
]
ExportNameOption = Annotated[
    str, typer.Option("--name", help="The OpenSearch index the actions go to.")
]

# searcher tui
WatchOption = Annotated[
    bool,
    typer.Option("--watch", help="Follow the index's folders meanwhile, as searcher watch does."),
]
StartQueryArgument = Annotated[
    list[str] | None, typer.Argument(help="A query to start with (optional).")
]

# searcher push, and query / batch / tui against OpenSearch
OpenSearchOption = Annotated[
    str | None,
    typer.Option(
        "--opensearch",
        metavar="URL",
        help="Search the OpenSearch index that searcher push wrote there, not a local one.",
    ),
]
PushUrlOption = Annotated[
    str,
    typer.Option("--opensearch", metavar="URL", help="The cluster, e.g. http://127.0.0.1:9200."),
]
RemoteNameOption = Annotated[str, typer.Option("--name", help="The OpenSearch index.")]
ShardsOption = Annotated[
    int, typer.Option("--shards", min=1, help="Primary shards of a new OpenSearch index.")
]
ReplicasOption = Annotated[
    int, typer.Option("--replicas", min=0, help="Replicas of each shard of a new index.")
]
ReplaceOption = Annotated[
    bool, typer.Option("--replace", help="Delete the OpenSearch index and push everything anew.")
]
