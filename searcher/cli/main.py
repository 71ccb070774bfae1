"""The Typer app: index, query, batch, stats, tui. The only place that picks exit codes.

Exit status, as grep and ripgrep: 0 results found, 1 none, 2 an error, 130 interrupted.
Errors are one line on stderr, `searcher: <what went wrong and what to do>`; --debug shows the
traceback of an unexpected one.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from searcher import __version__
from searcher.errors import SearcherError


class _OneLineErrors(TyperGroup):
    """Usage errors in one line, as every other error: Click's own take four (usage, hint,
    blank, error)."""

    def main(self, *args: object, standalone_mode: bool = True, **kwargs: object) -> object:
        if not standalone_mode:  # a caller that handles errors itself (a benchmark probe)
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except typer.TyperException as err:  # Click's exceptions: usage errors, bad values
            context = getattr(err, "ctx", None)
            command = context.command_path if context is not None else "searcher"
            _stderr(f"searcher: {err.format_message().rstrip('.')}; see: {command} --help")
            sys.exit(err.exit_code)
        except typer.Abort:  # end of input at a prompt
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


app = typer.Typer(
    cls=_OneLineErrors,
    name="searcher",
    help="Full-text search for Chinese documents.\n\nExample: searcher query 网格",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    no_args_is_help=False,
    invoke_without_command=True,
)

EXIT_HITS, EXIT_NO_HITS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

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
_debug = False
_skip_teardown = False  # set by a read-only command once its output is complete (see run())


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def _errors(json_errors: bool = False) -> Iterator[None]:
    """The error boundary: SearcherError → one line and exit 2; a bug → one line, or --debug."""
    try:
        yield
    except SearcherError as err:
        _report(str(err), json_errors)
        raise typer.Exit(EXIT_ERROR) from None
    except BrokenPipeError:
        # The reader of our output went away (searcher query … | head): not an error. Output
        # still buffered would fail again when Python flushes stdout at exit (status 120).
        _discard_stdout()
        sys.stderr.close()
        raise typer.Exit(EXIT_HITS) from None
    except KeyboardInterrupt as err:
        # build_index() adds a note saying what was done (and that nothing partial was committed).
        notes = "".join(f"; {note}" for note in getattr(err, "__notes__", []))
        _stderr(f"searcher: interrupted{notes}")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.BadParameter):  # Typer prints a usage error itself, exit 2
        raise
    except Exception as err:  # noqa: BLE001 - the one place a bug becomes a message
        if _debug:
            raise
        _report(
            f"internal error: {type(err).__name__}: {err}; rerun with --debug for details",
            json_errors,
        )
        raise typer.Exit(EXIT_ERROR) from None


def _discard_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (a test runner's buffer)
        pass


def _report(message: str, json_errors: bool) -> None:
    if json_errors:
        _stderr(json.dumps({"error": message}, ensure_ascii=False))
    else:
        _stderr(f"searcher: {message}")


def _version(value: bool) -> None:
    if value:
        print(f"searcher {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")
    ] = False,
) -> None:
    """Full-text search for Chinese documents: index a folder, then query it.

    Example: searcher index ~/notes && searcher query 网格
    """
    global _debug
    _debug = debug
    if ctx.invoked_subcommand is None:
        if _interactive():
            tui(words=None, index=None)  # `searcher` alone in a terminal: the TUI
        print(ctx.get_help())


def _location(index: Path | None):  # noqa: ANN202 - IndexLocation, imported lazily
    from searcher.cli.location import ensure_index, resolve_index_dir

    location = resolve_index_dir(index)
    ensure_index(location, lambda message: _stderr(f"searcher: {message}"))
    return location


@app.command()
def index(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files and folders to index (default: those indexed before)."),
    ] = None,
    index: IndexOption = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Start over instead of updating.")
    ] = False,
    wait: Annotated[
        float,
        typer.Option("--wait", min=0, help="Seconds to wait for another indexing run to finish."),
    ] = 0.0,
    userdict: Annotated[
        Path | None,
        typer.Option("--userdict", help="A jieba user dictionary, kept with the index."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or warnings.")
    ] = False,
) -> None:
    """Index files and folders (.txt .md .jsonl .html); run again to pick up changes.

    Example: searcher index ~/documents --index ~/documents-index
    """
    with _errors():
        from searcher.cli.location import resolve_index_dir
        from searcher.indexing.writer import build_index

        location = resolve_index_dir(index)
        if not paths and not _indexed_before(location.directory):
            raise typer.BadParameter("name at least one file or folder to index")
        from searcher.cli.progress import progress_bar

        with progress_bar(quiet) as progress:
            report = build_index(
                paths or [],
                location.directory,
                rebuild=rebuild,
                wait_seconds=wait,
                userdict=userdict,
                warn=None if quiet else lambda message: _stderr(f"searcher: {message}"),
                progress=progress,
            )
        from searcher.cli.render import index_summary

        print(index_summary(report, location.directory))


def _indexed_before(directory: Path) -> bool:
    from searcher.cli.location import has_index

    return has_index(directory)


# -word is the query syntax for "exclude word": unknown options are words, not usage errors.
@app.command(context_settings={"ignore_unknown_options": True})
def query(
    words: Annotated[list[str], typer.Argument(help="What to search for (see the syntax below).")],
    index: IndexOption = None,
    limit: LimitOption = 10,
    json_output: JsonOption = False,
    full: Annotated[
        bool, typer.Option("--full", help="Show whole passages, not fragments.")
    ] = False,
    all_words: Annotated[
        bool, typer.Option("--all", help="Only passages holding every word.")
    ] = False,
    color: Annotated[
        Color, typer.Option("--color", help="Colour: auto (on a terminal), always, never.")
    ] = Color.auto,
) -> None:
    """Search the index and print the best passages, matches highlighted.

    Syntax: words (passages with all of them first), "a phrase", -excluded, a OR b,
    title:word, path:text.

    Example: searcher query 网格 管理 -n 5
    """
    with _errors(json_output):
        from searcher.search import Searcher

        location = _location(index)
        with Searcher.open(location.directory) as searcher:
            result = searcher.search(" ".join(words), limit=limit, require_all=all_words)
        if json_output:
            from searcher.cli.render import hit_record
            from searcher.oneline import json_line

            for hit in result.hits:
                print(json_line(hit_record(hit)))
        else:
            from searcher.cli.render import Styler, print_hits, summary

            print_hits(result, full, Styler(color, sys.stdout))
            sys.stdout.flush()  # the hits before the summary, when both go to one pipe
            _stderr(summary(result))
        sys.stdout.flush()
    _read_only_done()
    raise typer.Exit(EXIT_HITS if result.hits else EXIT_NO_HITS)


@app.command()
def batch(
    source: Annotated[
        str, typer.Argument(help="File of queries, one per line or JSON Lines; - for stdin.")
    ] = "-",
    index: IndexOption = None,
    limit: LimitOption = 10,
    all_words: Annotated[
        bool, typer.Option("--all", help="Only passages holding every word.")
    ] = False,
) -> None:
    """Answer many queries in one run; one JSON object per query on stdout.

    Input lines are plain queries or {"qid": …, "query": …} objects. Output:
    {"qid", "query", "total", "took_ms", "hits": [...]}, or {"qid", "query", "error"}.

    Example: printf '网格\\n乡村振兴\\n' | searcher batch -n 3
    """
    any_hits = any_errors = False
    with _errors(json_errors=True):
        from searcher.cli.batch_input import read_queries
        from searcher.cli.render import hit_record
        from searcher.oneline import json_line
        from searcher.search import Searcher

        location = _location(index)
        queries = read_queries(source)
        with Searcher.open(location.directory) as searcher:
            for qid, text in queries:
                try:
                    result = searcher.search(text, limit=limit, require_all=all_words)
                except SearcherError as err:
                    any_errors = True
                    print(json_line({"qid": qid, "query": text, "error": str(err)}))
                    continue
                any_hits = any_hits or bool(result.hits)
                record = {
                    "qid": qid,
                    "query": text,
                    "total": result.total,
                    "took_ms": round(result.took_ms, 3),
                    "hits": [hit_record(hit) for hit in result.hits],
                }
                print(json_line(record))
        sys.stdout.flush()
    _read_only_done()
    raise typer.Exit(EXIT_ERROR if any_errors else EXIT_HITS if any_hits else EXIT_NO_HITS)


@app.command(name="eval")
def eval_(
    qrels: Annotated[
        Path,
        typer.Argument(help='Judged queries, JSON Lines: {"qid", "query", "relevant": [ids]}.'),
    ],
    index: IndexOption = None,
    k: Annotated[int, typer.Option("-k", min=1, help="Cutoff of MRR@k and nDCG@k.")] = 10,
    json_output: Annotated[
        bool, typer.Option("--json", help="One JSON object: the metrics and every query's.")
    ] = False,
) -> None:
    """Measure search quality: MRR@k, Recall@1/5/10/100 and nDCG@k over judged queries.

    Each query is searched as typed, with default options; a document counts once, at the
    rank of its best passage (ids come from the JSONL records' "id").

    Example: searcher index corpus.jsonl && searcher eval queries.jsonl -k 10
    """
    with _errors(json_output):
        from searcher.search import Searcher
        from searcher.search.evaluation import evaluate, read_qrels

        judged = read_qrels(qrels)
        location = _location(index)
        with Searcher.open(location.directory) as searcher:
            evaluation = evaluate(searcher, judged, k)
        if json_output:
            print(json.dumps(evaluation.record(), ensure_ascii=False))
        else:
            print("\n".join(evaluation.summary_lines()))
        sys.stdout.flush()
    raise typer.Exit(EXIT_HITS)


@app.command()
def stats(index: IndexOption = None, json_output: JsonOption = False) -> None:
    """Show what the index holds: documents, passages, size, last update, analysis settings.

    Example: searcher stats --json
    """
    with _errors(json_output):
        from dataclasses import asdict

        from searcher.cli.render import stats_lines
        from searcher.search import Searcher

        location = _location(index)
        with Searcher.open(location.directory) as searcher:
            info = searcher.stats()
        if json_output:
            print(json.dumps(asdict(info), ensure_ascii=False))
        else:
            print("\n".join(stats_lines(info)))


class ExportFormat(StrEnum):
    opensearch_bulk = "opensearch-bulk"


@app.command()
def export(
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="What to write.")
    ] = ExportFormat.opensearch_bulk,
    index: IndexOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="The OpenSearch index the actions go to.")
    ] = "searcher",
) -> None:
    """Write every passage as OpenSearch/Elasticsearch bulk actions (NDJSON), analysis included.

    Word and character n-gram tokens come whitespace-joined, for a `whitespace` analyzer;
    the mapping is in the README.

    Example: searcher export -o passages.ndjson && curl -H 'Content-Type: application/x-ndjson'
    -XPOST localhost:9200/_bulk --data-binary @passages.ndjson
    """
    with _errors():
        from searcher.search.export import export_opensearch_bulk

        location = _location(index)
        if output is None:
            count = export_opensearch_bulk(location.directory, sys.stdout, name)
            sys.stdout.flush()
        else:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    count = export_opensearch_bulk(location.directory, handle, name)
            except OSError as err:
                raise SearcherError(f"cannot write {output}: {err.strerror or err}") from err
        _stderr(f"searcher: exported {count} passages as {format.value}")


@app.command()
def tui(
    words: Annotated[
        list[str] | None, typer.Argument(help="A query to start with (optional).")
    ] = None,
    index: IndexOption = None,
) -> None:
    """Search as you type in a full-screen terminal UI, with a preview of each passage.

    Keys: ↑/↓ move, Enter open the document, n/N next/previous match, o open in $EDITOR,
    y copy, F1 help, Ctrl+C quit. `searcher` alone in a terminal opens it too.

    Example: searcher tui 网格
    """
    with _errors():
        from searcher.search import Searcher

        location = _location(index)
        searcher = Searcher.open(location.directory)
        if not _interactive():
            searcher.close()
            raise SearcherError(
                "searcher tui needs a terminal; to search from a script, use: searcher query WORDS"
            )
        # Textual is imported only here (~300 ms), so the other commands never load it.
        from searcher.tui.app import make_app

        with searcher:
            tui_app = make_app(searcher, " ".join(words or []))
            tui_app.run()
            tui_app.release_searcher()
    # Textual has already printed what went wrong if the app failed.
    raise typer.Exit(EXIT_ERROR if tui_app.return_code else 0)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _read_only_done() -> None:
    global _skip_teardown
    _skip_teardown = True


def run() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="searcher")
    except SystemExit as done:
        if not _skip_teardown or not isinstance(done.code, int):
            raise
        # query and batch hold no lock, temporary file or child process, and their output is
        # flushed: end now, without the interpreter's teardown of every module (numpy, ours),
        # 18-25 ms of a fresh `searcher query` (tests/benchmarks/bench_query.py).
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            raise done from None
        os._exit(done.code)
