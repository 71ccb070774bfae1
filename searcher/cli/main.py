"""The Typer app: its commands, wired to the library, and the only place that picks exit codes.

Exit status, as grep and ripgrep: 0 results found, 1 none, 2 an error, 130 interrupted.
Errors are one line on stderr, `searcher: <what went wrong and what to do>`; --debug shows the
traceback of an unexpected one.
"""

from __future__ import annotations

import contextlib
import copy
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

from searcher.cli import options
from searcher.cli.allocator import keep_freed_memory
from searcher.cli.messages import discard_stdout, notice, report_error
from searcher.errors import SearcherError

if TYPE_CHECKING:
    from searcher.remote import RemoteSearcher
    from searcher.search import Searcher


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
            notice(f"{err.format_message().rstrip('.')}; see: {command} --help")
            sys.exit(err.exit_code)
        except typer.Abort:  # end of input at a prompt
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)


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

_debug = False
_skip_teardown = False  # set by a read-only command once its output is complete (see run())


@contextlib.contextmanager
def _errors(json_errors: bool = False) -> Iterator[None]:
    """The error boundary: SearcherError → one line and exit 2; a bug → one line, or --debug."""
    try:
        yield
    except SearcherError as err:
        report_error(str(err), json_errors)
        raise typer.Exit(EXIT_ERROR) from None
    except BrokenPipeError:
        # The reader of our output went away (searcher query … | head): not an error. Output
        # still buffered would fail again when Python flushes stdout at exit (status 120).
        discard_stdout()
        sys.stderr.close()
        raise typer.Exit(EXIT_HITS) from None
    except KeyboardInterrupt as err:
        # build_index() adds a note saying what was done (and that nothing partial was committed).
        notes = "".join(f"; {note}" for note in getattr(err, "__notes__", []))
        notice(f"interrupted{notes}")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.BadParameter):  # Typer prints a usage error itself, exit 2
        raise
    except MemoryError:
        report_error(
            "out of memory; close other programs, or index fewer files at once", json_errors
        )
        raise typer.Exit(EXIT_ERROR) from None
    except Exception as err:  # noqa: BLE001 - the one place a bug becomes a message
        if _debug:
            raise
        report_error(
            f"internal error: {type(err).__name__}: {err}; rerun with --debug for details",
            json_errors,
        )
        raise typer.Exit(EXIT_ERROR) from None


@app.callback()
def main(
    ctx: typer.Context,
    version: options.VersionOption = False,
    debug: options.DebugOption = False,
) -> None:
    """Full-text search for Chinese documents: index a folder, then query it.

    Example: searcher index ~/notes && searcher query 网格
    """
    global _debug
    _debug = debug
    if ctx.invoked_subcommand is None:
        if _interactive():
            tui(words=None, index=None, watch=False, opensearch=None, name="searcher")
        print(ctx.get_help())


def _index_to_search(index: Path | None) -> Path:
    """query, batch, tui: the user's index, or the bundled samples' while they have none."""
    from searcher.cli.location import index_to_search, resolve_index_dir

    return index_to_search(resolve_index_dir(index), notice)


def _open_searcher(
    index: Path | None, opensearch: str | None, name: str
) -> Searcher | RemoteSearcher:
    """query, batch, tui: a Searcher of the local index, or with --opensearch the same interface
    over the OpenSearch index `name` (searcher.remote)."""
    if opensearch is None:
        from searcher.search import Searcher

        return Searcher.open(_index_to_search(index))
    if index is not None:
        raise SearcherError("give --index or --opensearch, not both")
    from searcher.remote import RemoteSearcher

    return RemoteSearcher.open(opensearch, name)


def _users_index(index: Path | None) -> Path:
    """stats, eval, export: the user's index; none at the default location is an error."""
    from searcher.cli.location import require_index, resolve_index_dir

    location = resolve_index_dir(index)
    require_index(location)
    return location.directory


@app.command()
def index(
    paths: options.PathsArgument = None,
    index: options.IndexOption = None,
    rebuild: options.RebuildOption = False,
    wait: options.WaitOption = 0.0,
    userdict: options.UserdictOption = None,
    quiet: options.QuietOption = False,
    forget: options.ForgetOption = None,
    follow: options.FollowOption = False,
    hidden: options.HiddenOption = None,
    no_ignore: options.NoIgnoreOption = None,
    exclude: options.ExcludeOption = None,
    no_exclude: options.NoExcludeOption = False,
) -> None:
    """Index files and folders (.txt .md .jsonl .html .pdf .docx .epub); run again to update.

    The index remembers every file and folder it was given: `searcher index` alone updates
    them all. A remembered folder that is missing is skipped (exit 2), its passages kept.
    .gitignore, .ignore and .searcherignore files are honoured and hidden names skipped;
    these rules and --exclude are remembered too, until a run gives others.

    Example: searcher index ~/documents --index ~/documents-index
    """
    with _errors():
        from searcher.cli.indexing import index_paths

        report = index_paths(
            paths or [],
            index,
            rebuild=rebuild,
            wait_seconds=wait,
            userdict=userdict,
            quiet=quiet,
            forget=forget or [],
            follow=follow,
            # None: as the index remembers. --exclude replaces the remembered globs.
            ignore={
                "hidden": hidden,
                "no_ignore": no_ignore,
                "exclude": (exclude or []) if (exclude or no_exclude) else None,
            },
        )
    if report.missing_roots:
        raise typer.Exit(EXIT_ERROR)


@app.command()
def watch(
    paths: options.PathsArgument = None,
    index: options.IndexOption = None,
    quiet: options.QuietOption = False,
) -> None:
    """Keep the index in step with folders: index them, then follow every change until Ctrl+C.

    Starts as `searcher index` does (what changed meanwhile), then commits each burst of
    changes, one commit a second at most, with a status line on stderr. Ignore rules and
    formats as in `searcher index`; queries run meanwhile, another indexing run waits.

    Example: searcher watch ~/notes --index ~/notes-index
    """
    with _errors():
        from searcher.cli.watching import watch_paths

        watch_paths(paths or [], index, quiet)


@app.command()
def check(index: options.IndexOption = None) -> None:
    """Read every file of the index and say whether anything is damaged (exit 2 if so).

    Example: searcher check --index ~/documents-index
    """
    with _errors():
        from searcher.cli.indexing import check_index_dir

        damaged = check_index_dir(index)
    raise typer.Exit(EXIT_ERROR if damaged else EXIT_HITS)


# -word is the query syntax for "exclude word": unknown options are words, not usage errors.
@app.command(context_settings={"ignore_unknown_options": True})
def query(
    ctx: typer.Context,
    words: options.WordsArgument,
    index: options.IndexOption = None,
    limit: options.QueryLimitOption = None,
    json_output: options.JsonOption = False,
    full: options.FullOption = False,
    all_words: options.AllWordsOption = False,
    collapse: options.CollapseOption = True,
    color: options.ColorOption = options.Color.auto,
    sort: options.SortOption = options.Sort.relevance,
    group: options.GroupOption = False,
    files: options.FilesOption = False,
    count: options.CountOption = False,
    context: options.ContextOption = 0,
    explain: options.ExplainOption = False,
    opensearch: options.OpenSearchOption = None,
    name: options.RemoteNameOption = "searcher",
) -> None:
    """Search the index and print the best passages, matches highlighted.

    Syntax: words (passages with all of them first), "a phrase", -excluded, a OR b,
    title:word, path:text, ext:md,txt (or type:), after:2024-05-01, before:2024-06,
    after:7d; any filter negated with a leading - (-ext:html).

    Example: searcher query 网格 管理 ext:md after:30d --sort date -n 5
    """
    with _errors(json_output):
        from searcher.cli.querying import QueryOptions, run_query

        _refuse_unknown_options(words, ctx, json_output)
        chosen = QueryOptions(
            limit=limit,
            require_all=all_words,
            collapse=collapse,
            sort=sort.value,
            group=group,
            files=files,
            count=count,
            context=context,
            explain=explain,
            full=full,
            color=color.value,
            as_json=json_output,
        )
        with _open_searcher(index, opensearch, name) as searcher:
            found = run_query(searcher, " ".join(words), chosen)
    _read_only_done()
    raise typer.Exit(EXIT_HITS if found else EXIT_NO_HITS)


@app.command()
def batch(
    source: options.SourceArgument = "-",
    index: options.IndexOption = None,
    limit: options.LimitOption = 10,
    all_words: options.AllWordsOption = False,
    collapse: options.CollapseOption = True,
    opensearch: options.OpenSearchOption = None,
    name: options.RemoteNameOption = "searcher",
) -> None:
    """Answer many queries in one run; one JSON object per query on stdout.

    Input lines are plain queries or {"qid": …, "query": …} objects. Output:
    {"qid", "query", "total", "took_ms", "hits": [...]}, or {"qid", "query", "error"}.

    Example: printf '网格\\n乡村振兴\\n' | searcher batch -n 3
    """
    with _errors(json_errors=True):
        from searcher.cli.batch import answer_queries, read_queries

        queries = read_queries(source)
        with _open_searcher(index, opensearch, name) as searcher:
            tally = answer_queries(searcher, queries, limit, all_words, collapse)
        sys.stdout.flush()
    _read_only_done()
    if tally.any_errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_HITS if tally.any_hits else EXIT_NO_HITS)


@app.command(name="eval")
def eval_(
    qrels: options.QrelsArgument,
    index: options.IndexOption = None,
    k: options.CutoffOption = 10,
    json_output: options.EvalJsonOption = False,
) -> None:
    """Measure search quality: MRR@k, Recall@1/5/10/100 and nDCG@k over judged queries.

    Each query is searched as typed, with default options; a document counts once, at the
    rank of its best passage (ids come from the JSONL records' "id").

    Example: searcher index corpus.jsonl && searcher eval queries.jsonl -k 10
    """
    with _errors(json_output):
        from searcher.cli.render import print_evaluation
        from searcher.search import Searcher
        from searcher.search.evaluation import evaluate, read_qrels

        judged = read_qrels(qrels)
        with Searcher.open(_users_index(index)) as searcher:
            evaluation = evaluate(searcher, judged, k)
        print_evaluation(evaluation, as_json=json_output)
    raise typer.Exit(EXIT_HITS)


@app.command()
def stats(index: options.IndexOption = None, json_output: options.JsonOption = False) -> None:
    """Show what the index holds: documents, passages, size, last update, analysis settings.

    Example: searcher stats --json
    """
    with _errors(json_output):
        from searcher.cli.render import print_stats
        from searcher.search import Searcher

        with Searcher.open(_users_index(index)) as searcher:
            info = searcher.stats()
        print_stats(info, as_json=json_output)


@app.command()
def export(
    format: options.ExportFormatOption = options.ExportFormat.opensearch_bulk,
    index: options.IndexOption = None,
    output: options.OutputOption = None,
    name: options.ExportNameOption = "searcher",
) -> None:
    """Write every passage as OpenSearch/Elasticsearch bulk actions (NDJSON), analysis included.

    Word and character n-gram tokens come whitespace-joined, for a `whitespace` analyzer;
    the mapping is in the README.

    Example: searcher export -o passages.ndjson && curl -H 'Content-Type: application/x-ndjson'
    -XPOST localhost:9200/_bulk --data-binary @passages.ndjson
    """
    with _errors():
        from searcher.search.export import export_opensearch_bulk

        directory = _users_index(index)
        if output is None:
            count = export_opensearch_bulk(directory, sys.stdout, name)
            sys.stdout.flush()
        else:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    count = export_opensearch_bulk(directory, handle, name)
            except OSError as err:
                raise SearcherError(f"cannot write {output}: {err.strerror or err}") from err
        notice(f"exported {count} passages as {format.value}")


@app.command()
def push(
    opensearch: options.PushUrlOption,
    index: options.IndexOption = None,
    name: options.RemoteNameOption = "searcher",
    shards: options.ShardsOption = 1,
    replicas: options.ReplicasOption = 1,
    replace: options.ReplaceOption = False,
    quiet: options.QuietOption = False,
) -> None:
    """Copy the index to an OpenSearch cluster; run again to send only what changed.

    Passages go with searcher's analysis applied, so `searcher query --opensearch URL` finds
    the same passages there. Passages removed here are deleted there. The local index is
    only read.

    Example: searcher push --opensearch http://127.0.0.1:9200 --name notes
    """
    with _errors():
        from searcher.cli.push import push as push_to

        push_to(
            _users_index(index),
            opensearch,
            name,
            shards=shards,
            replicas=replicas,
            replace=replace,
            quiet=quiet,
        )


@app.command()
def tui(
    words: options.StartQueryArgument = None,
    index: options.IndexOption = None,
    watch: options.WatchOption = False,
    opensearch: options.OpenSearchOption = None,
    name: options.RemoteNameOption = "searcher",
) -> None:
    """Search as you type in a full-screen terminal UI, with a preview of each passage.

    Keys: ↑/↓ move, Enter open the document, n/N next/previous match, o open in $EDITOR,
    y copy, s sort, d one per document, F1 help, Ctrl+C quit. A newer commit of the index
    (searcher watch, --watch) is searched again at once. `searcher` alone in a terminal opens it.

    Example: searcher tui 网格
    """
    with _errors():
        from searcher.cli.location import history_path

        if watch and opensearch is not None:
            raise SearcherError("--watch follows a local index; give it without --opensearch")
        searcher = _open_searcher(index, opensearch, name)
        if not _interactive():
            searcher.close()
            raise SearcherError(
                "searcher tui needs a terminal; to search from a script, use: searcher query WORDS"
            )
        # Textual is imported only here (~300 ms), so the other commands never load it.
        from searcher.tui.app import make_app

        with searcher:
            tui_app = make_app(
                searcher,
                initial_query=" ".join(words or []),
                history_path=history_path(),
                watch=watch,
            )
            tui_app.run()
            tui_app.release_searcher()
    # Textual has already printed what went wrong if the app failed.
    raise typer.Exit(EXIT_ERROR if tui_app.return_code else 0)


class _UnknownOption(typer.BadParameter):
    def format_message(self) -> str:
        return self.message


def _refuse_unknown_options(words: list[str], ctx: typer.Context, as_json: bool = False) -> None:
    """`-word` excludes a word, but `--word` is no query syntax: a mistyped option (`--limt 2`)
    must not be searched for silently. A --json reader gets the error as JSON, as every other."""
    for word in words:
        if word.startswith("--") and len(word) > 2:
            message = f"No such option: {word.split('=', 1)[0]}"
            if as_json:
                report_error(f"{message}; see: {ctx.command_path} --help", True)
                raise typer.Exit(EXIT_ERROR)
            raise _UnknownOption(message, ctx=ctx)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _read_only_done() -> None:
    global _skip_teardown
    _skip_teardown = True


# Commands that build an index keep glibc's allocator as it is (cli/allocator.py): the writer's
# arrays are fewer and larger, and memory kept raised a zh-laws build's peak RSS from 311 to 368 MB.
_BUILDING = frozenset({"index", "watch"})


def run() -> None:
    """Console-script entry point."""
    # numpy's OpenBLAS starts a thread per core when numpy is imported, and they spin a while
    # waiting for work that never comes here (nothing multiplies matrices): on 2 cores a fresh
    # `searcher query` spent 361 ms of CPU for 245 ms of wall time, with one thread 209 ms for
    # 210 (p50, tests/benchmarks/bench_blas_threads.py). Set before any import of numpy;
    # inherited by the indexing workers; a value the user set is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if not sys.argv[1:] or sys.argv[1] not in _BUILDING:
        keep_freed_memory()
    try:
        _app_for(sys.argv[1:])(prog_name="searcher")
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


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command named first, when one is: Typer builds a Click command
    from the signature of every command at each start, 14 ms of a fresh `searcher query` for
    the nine it does not run. Anything else (`searcher --help`, an option first) gets them all."""
    chosen = [info for info in app.registered_commands if args and _name(info) == args[0]]
    if len(chosen) != 1:
        return app
    only = copy.copy(app)
    only.registered_commands = chosen
    return only


def _name(info: typer.models.CommandInfo) -> str:
    return info.name or info.callback.__name__.lower().replace("_", "-")
