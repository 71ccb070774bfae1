"""query, batch and tui with --opensearch: the same output as over the local index."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner, Result

from searcher.cli.main import app
from searcher.remote import RemoteSearcher
from searcher.tui.app import make_app
from searcher.tui.document_screen import DocumentScreen
from searcher.tui.session import DEBOUNCE_SECONDS

CLEAN_ENV = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": "xterm", "SEARCHER_INDEX": None}


def _run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env=CLEAN_ENV, catch_exceptions=False)


def _without_score(line: str) -> dict:
    hit = json.loads(line)
    del hit["score"], hit["rank"]
    return hit


def test_query_json_has_the_same_hits_and_highlights_as_the_local_index(
    opensearch_url: str, pushed_samples: str, sample_index: Path
) -> None:
    # One word: both engines find the same 18 passages; only their order may differ.
    remote = _run("query", "网格", "--json", "-n", "20", "--opensearch", opensearch_url,
                  "--name", pushed_samples)  # fmt: skip
    local = _run("query", "网格", "--json", "-n", "20", "--index", str(sample_index))
    assert remote.exit_code == local.exit_code == 0
    assert len(remote.stdout.splitlines()) == 18
    theirs = sorted(map(_without_score, remote.stdout.splitlines()), key=json.dumps)
    assert theirs == sorted(map(_without_score, local.stdout.splitlines()), key=json.dumps)
    first = json.loads(remote.stdout.splitlines()[0])
    assert list(first) == list(json.loads(local.stdout.splitlines()[0]))
    marked = [json.loads(line) for line in remote.stdout.splitlines()]
    spans = [(hit["text"], hit["highlights"]) for hit in marked if hit["highlights"]]
    assert spans and all(text[s:e] == "网格" for text, pairs in spans for s, e in pairs)
    assert remote.stderr == local.stderr == ""
    text = _run(
        "query", "网格", "-n", "2", "--opensearch", opensearch_url, "--name", pushed_samples
    )
    assert re.fullmatch(r"2 of 18 matching passages in [0-9.]+ ms\n", text.stderr)
    assert text.stdout.startswith("1. 网格化管理工作手册 › ")


def test_query_without_hits_exits_1_and_a_missing_index_exits_2(
    opensearch_url: str, pushed_samples: str
) -> None:
    none = _run("query", "量子纠缠", "--opensearch", opensearch_url, "--name", pushed_samples)
    assert (none.exit_code, none.stdout) == (1, "")
    missing = _run("query", "网格", "--opensearch", opensearch_url, "--name", "no-such-index")
    assert missing.exit_code == 2
    assert missing.stderr == (
        f"searcher: no index 'no-such-index' at {opensearch_url}; run: searcher push "
        "--opensearch URL --name no-such-index\n"
    )


def test_count_and_context_work_and_what_needs_the_local_index_is_refused_in_one_line(
    opensearch_url: str, pushed_samples: str, sample_index: Path
) -> None:
    remote = ("--opensearch", opensearch_url, "--name", pushed_samples)
    local = ("--index", str(sample_index))
    assert _run("query", "网格", "-c", *remote).stdout == _run("query", "网格", "-c", *local).stdout
    theirs = _run("query", '"格化管"', "-C", "1", "--json", "-n", "20", *remote)
    mine = _run("query", '"格化管"', "-C", "1", "--json", "-n", "20", *local)
    assert theirs.exit_code == mine.exit_code == 0
    key = lambda line: (line["path"], line["paragraph"])  # noqa: E731
    contexts = {key(h): h["context"] for h in map(json.loads, mine.stdout.splitlines())}
    assert {key(h): h["context"] for h in map(json.loads, theirs.stdout.splitlines())} == contexts
    for option, message in [
        (("--sort", "date"), "--sort date: not available with --opensearch yet"),
        (("-g",), "one hit per document (-g, -l): not available with --opensearch yet"),
        (("--explain",), "--explain takes searcher's own score apart: not available with"),
        (("ext:md",), "ext: filters cannot be searched in OpenSearch yet"),
    ]:
        result = _run("query", "网格", *option, *remote)
        assert result.exit_code == 2, option
        assert result.stderr.startswith(f"searcher: {message}") and result.stderr.count("\n") == 1


def test_negated_path_filter_leaves_out_the_same_passages(
    opensearch_url: str, pushed_samples: str, sample_index: Path
) -> None:
    remote = _run("query", "网格", "-path:手册", "--json", "-n", "50", "--opensearch",
                  opensearch_url, "--name", pushed_samples)  # fmt: skip
    local = _run("query", "网格", "-path:手册", "--json", "-n", "50", "--index", str(sample_index))
    assert remote.exit_code == local.exit_code == 0
    paths = {json.loads(line)["path"] for line in local.stdout.splitlines()}
    assert paths and not any("手册" in path for path in paths)
    assert {json.loads(line)["path"] for line in remote.stdout.splitlines()} == paths


def test_batch_answers_each_query_as_over_the_local_index(
    opensearch_url: str, pushed_samples: str, sample_index: Path
) -> None:
    queries = '网格\n"格化管"\n量子纠缠\n'
    remote = _run("batch", "--opensearch", opensearch_url, "--name", pushed_samples, input=queries)
    local = _run("batch", "--index", str(sample_index), input=queries)
    assert remote.exit_code == local.exit_code == 0
    pairs = zip(remote.stdout.splitlines(), local.stdout.splitlines(), strict=True)
    for theirs, mine in (map(json.loads, pair) for pair in pairs):
        assert (theirs["query"], theirs["total"]) == (mine["query"], mine["total"])
        assert {h["id"] + str(h["paragraph"]) for h in theirs["hits"]} == {
            h["id"] + str(h["paragraph"]) for h in mine["hits"]
        }


async def test_tui_searches_the_cluster_unchanged(
    opensearch_url: str, pushed_samples: str, tmp_path: Path
) -> None:
    with RemoteSearcher.open(opensearch_url, pushed_samples) as remote:
        app = make_app(remote, history_path=tmp_path / "history.json", environ={})  # type: ignore[arg-type]
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press(*"网格")
            await pilot.pause(DEBOUNCE_SECONDS + 0.05)
            await app.workers.wait_for_complete()
            await pilot.pause()
            hits = app.results.hits
            assert app.result.total == len(hits) == 18
            assert [hits[0].text[s.start_char : s.end_char] for s in hits[0].spans][0] == "网格"
            await pilot.press("down", "enter")  # the first hit's whole document, from the cluster
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert isinstance(app.screen, DocumentScreen)
            opened = app.screen.view
            assert opened.current_hit.text == hits[0].text
            assert [hit.text for hit in opened.passages] == [
                hit.text for hit in remote.document(hits[0], "网格")
            ]
            assert len(opened.passages) > 1
            app.release_searcher()
