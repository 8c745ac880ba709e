"""`manage.py benchmark --quick` runs end to end and reports every figure (no timed asserts)."""

import json
from importlib.util import find_spec
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from benchmark.loading import delete_benchmark_rows
from benchmark.report import render
from films.importer.stages import STAGES
from tests.factories import FilmFactory

# The run loads a catalogue and, on PostgreSQL, drives a gunicorn it starts: /healthz and five
# pages, each cached and uncached, for --server-seconds each (1 with --quick: 16 s of the
# run). Half a second still gives every drive dozens of requests, and nothing here is timed.
pytestmark = pytest.mark.slow

FIGURE_KEYS = {"p50_ms", "p95_ms", "max_ms", "requests_per_second", "queries", "ratio_to_baseline"}
# Latency as multiples of the test client's /healthz p50, and the SQL's part of it.
RELATIVE_KEYS = {"sql_p50_ms", "sql_share", "p50_to_healthz_p50", "p95_to_healthz_p50"}


@pytest.fixture(scope="module")
def figures(django_db_blocker, django_db_setup):
    out = StringIO()
    with django_db_blocker.unblock():
        call_command(
            "benchmark",
            "--quick",
            "--synopses",
            "60",
            "--import-synopses",
            "12",
            "--server-seconds",
            "0.5",
            "--format",
            "json",
            "--verbosity",
            "0",
            stdout=out,
        )
        delete_benchmark_rows()
    result = json.loads(out.getvalue())
    print(json.dumps(result, indent=1)[:4000])  # the figures, for whoever reads the CI log
    return result


def test_every_section_is_there(figures):
    assert set(figures) >= {
        "benchmark",
        "catalogue",
        "load",
        "sizes",
        "import",
        "baseline",
        "pages",
        "search",
        "peer",
        "server",
        "targets",
    }
    assert figures["catalogue"]["synopses"] == 60
    assert figures["pages"]["list"]["queries"] > 0


def test_load_and_import_figures(figures):
    assert set(figures["load"]) >= {"synopses", "seconds", "synopses_per_second", "method"}
    assert set(figures["import"]) >= {
        "synopses",
        "synopses_per_second",
        "langdetect_per_second",
        "ratio_to_langdetect",
    }
    assert figures["import"]["synopses"] == 12
    # One run per worker count, each with the share of every stage of the importer.
    runs = figures["import"]["runs"]
    assert [run["workers"] for run in runs] == [1, 2]
    for run in runs:
        assert set(run["stage_shares"]) == set(STAGES)
        assert sum(run["stage_shares"].values()) == pytest.approx(1, abs=0.01)
        assert run["stage_shares"]["language"] > 0
        assert run["stage_shares"]["database"] > 0
    assert figures["import"]["synopses_per_second"] == runs[-1]["synopses_per_second"]


def test_import_workers_must_be_counts():
    with pytest.raises(CommandError, match="worker counts"):
        call_command("benchmark", "--import-workers", "1,0")


def test_the_import_leaves_a_gin_pending_list_that_the_vacuum_empties(figures):
    pending = figures["gin_pending_list"]
    assert set(pending) == {"after_load", "after_import", "after_vacuum"}
    if connection.vendor != "postgresql":
        assert set(pending.values()) == {None}
        return
    # The dry run's rows are rolled back; their entries in the search index's pending list
    # are not, and would cost every search until a vacuum merges them.
    # Every GIN index of the synopses is reported: the full one and the sampled ones.
    assert "synopsis_search_vector_gin" in pending["after_import"]
    assert pending["after_import"]["synopsis_search_vector_gin"]["tuples"] > 0
    assert set(pending["after_vacuum"]) == set(pending["after_import"])
    assert all(entry == {"pages": 0, "tuples": 0} for entry in pending["after_vacuum"].values())


def test_baseline_and_pages(figures):
    assert figures["baseline"]["result"] == "ok"
    assert set(figures["baseline"]) >= FIGURE_KEYS
    assert set(figures["pages"]) == {
        "list",
        "list_page_2",
        "detail",
        "franchise",
        "franchise_small",
        "search",
        "api",
    }
    for page in figures["pages"].values():
        # Pages the branch does not have yet are "n/a (404)", never a crash.
        assert page["result"] == "ok" or page["result"].startswith("n/a")
        if page["result"] == "ok":
            assert set(page) >= FIGURE_KEYS


def test_search_mix(figures):
    kinds = {query["kind"] for query in figures["search"]["queries"]}
    assert {"title", "name", "half-corpus", "rare", "medium", "no hit", "multi-word"} <= kinds
    assert any(query["language"] == "th" for query in figures["search"]["queries"])
    assert {"p50_ms", "p95_ms", "max_ms"} <= set(figures["search"])


def test_healthz_is_sampled_again_during_the_search_mix(figures):
    # The mix's p95 also over /healthz measured between its queries: the machine's drift shows.
    search = figures["search"]
    assert search["healthz_during_p50_ms"] > 0
    expected = search["p95_ms"] / search["healthz_during_p50_ms"]
    assert search["p95_to_healthz_during_p50"] == pytest.approx(expected, rel=0.02)
    start = search["healthz_start_p50_ms"]
    assert start == pytest.approx(figures["baseline"]["p50_ms"], abs=0.01)
    assert search["p95_to_healthz_start_p50"] == pytest.approx(search["p95_ms"] / start, rel=0.02)


def test_the_unit_is_healthz_over_the_whole_run(figures):
    # The p50 of the samples at the start and after each query together lies between theirs.
    search = figures["search"]
    run = search["healthz_run_p50_ms"]
    low, high = sorted([search["healthz_start_p50_ms"], search["healthz_during_p50_ms"]])
    assert low - 0.001 <= run <= high + 0.001
    assert search["p95_to_healthz_p50"] == pytest.approx(search["p95_ms"] / run, rel=0.02)
    baseline = figures["baseline"]
    assert baseline["p50_to_healthz_p50"] == pytest.approx(baseline["p50_ms"] / run, rel=0.02)


def _assert_sane_relative_figures(figures: dict) -> None:
    assert set(figures) >= RELATIVE_KEYS
    # The statements run inside the request: their time is a part of the page's.
    assert 0 <= figures["sql_share"] <= 1
    assert figures["sql_p50_ms"] >= 0
    assert 0 < figures["p50_to_healthz_p50"] <= figures["p95_to_healthz_p50"]


def test_every_page_and_query_has_its_sql_share_and_healthz_multiples(figures):
    assert figures["baseline"]["note"] == "/healthz"
    for page in figures["pages"].values():
        if page["result"] == "ok":
            _assert_sane_relative_figures(page)
    # Every list page reads the database; its SQL time is counted.
    assert figures["pages"]["list"]["sql_p50_ms"] > 0
    assert figures["pages"]["list"]["sql_share"] > 0
    _assert_sane_relative_figures(figures["search"])
    for query in figures["search"]["queries"]:
        assert query["result"] == "ok"
        _assert_sane_relative_figures(query)


def test_the_peer_runs_the_same_mix_on_the_same_texts_or_says_why_not(figures):
    peer = figures["peer"]
    if not peer["available"]:
        assert find_spec("tantivy") is None  # installed, it must have run
        assert ".[bench]" in peer["note"]
        return
    assert peer["documents"] == figures["catalogue"]["synopses"]
    assert peer["build_seconds"] >= peer["read_seconds"] >= 0
    assert peer["index_bytes"] > 0
    assert {"en", "th"} <= set(peer["analyzers"])
    ours = [(query["kind"], query["q"]) for query in figures["search"]["queries"]]
    assert [(query["kind"], query["q"]) for query in peer["queries"]] == ours
    for query in peer["queries"]:
        assert query["result"] == "ok"
        assert 0 <= query["hits"] <= 12
        assert 0 < query["p50_ms"] <= query["p95_ms"] <= query["max_ms"]
    by_kind = {query["kind"]: query for query in peer["queries"]}
    assert by_kind["no hit"]["hits"] == 0
    assert by_kind["half-corpus"]["hits"] > 0
    assert "<b>" in by_kind["half-corpus"]["snippet"]
    assert 0 <= peer["p50_to_healthz_p50"] <= peer["p95_to_healthz_p50"]


def test_gunicorn_latency_percentiles(figures):
    server = figures["server"]
    if not server["available"]:
        # The test database is in memory on SQLite: no server process can reach it.
        assert connection.vendor == "sqlite"
        return
    drives = [server["healthz"]] + [
        page[mode] for page in server["pages"].values() for mode in ("cached", "uncached")
    ]
    for drive in drives:
        assert drive["requests"] > 0
        assert drive["p50_ms"] <= drive["p95_ms"] <= drive["p99_ms"]
        assert drive["p99_to_p50"] >= 1


def test_targets_are_relative_to_healthz(figures):
    assert set(figures["targets"]) == {
        "search_mix_p95_to_healthz_p50",
        "worst_query_p95_to_healthz_p50",
        "list_cached_ratio_to_healthz_on_gunicorn",
        "list_cached_p99_to_p50_on_gunicorn",
        "detail_cached_ratio_to_healthz_on_gunicorn",
        "detail_cached_p99_to_p50_on_gunicorn",
        "import_per_second",
    }
    mix = figures["targets"]["search_mix_p95_to_healthz_p50"]
    assert mix["value"] == figures["search"]["p95_to_healthz_p50"]
    assert mix["met"] == (mix["value"] <= 30)
    worst = figures["targets"]["worst_query_p95_to_healthz_p50"]
    assert worst["value"] == max(q["p95_to_healthz_p50"] for q in figures["search"]["queries"])
    assert all(
        (query["q"] in worst["queries_over"]) == (query["p95_to_healthz_p50"] > 50)
        for query in figures["search"]["queries"]
    )


def test_the_text_report_prints_the_new_tables(figures):
    text = render(figures)
    assert "sql %" in text
    assert "p95 ×hz" in text
    assert "peer p50" in text
    assert "Peer: " in text
    assert "/healthz p50 over the run, the unit of ×hz" in text
    if figures["server"]["available"]:
        assert "p99/p50" in text


def test_compare_two_runs(figures, tmp_path):
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text(json.dumps(figures))
    large.write_text(json.dumps(figures))
    out = StringIO()
    call_command("benchmark", "--compare", str(small), str(large), "--format", "json", stdout=out)
    comparison = json.loads(out.getvalue())
    assert {"search_p95_ratio", "search_p95_ratio_met", "page_p95_ratios"} <= set(comparison)
    assert comparison["search_p95_ratio"] == 1.0
    assert comparison["search_p95_ratio_target"] == "<= 2"
    assert "peer_search_p95_ratio" in comparison


@pytest.mark.django_db
def test_refuses_a_catalogue_that_is_not_the_benchmarks():
    FilmFactory(slug="rocky")
    with pytest.raises(CommandError, match="--force"):
        call_command(
            "benchmark", "--quick", "--synopses", "10", stdout=StringIO(), stderr=StringIO()
        )
