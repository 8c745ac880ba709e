"""Run every part of the benchmark into one JSON-ready dict; render it, or compare two runs."""

import os
import platform
import sqlite3
import time
from collections.abc import Callable

import django
from django.db import connection

from .corpus import CatalogueSpec
from .importing import DEFAULT_WORKERS, measure_import
from .loading import analyse_tables, gin_pending_list, load_catalogue, relation_sizes
from .pages import catalogue_counts, measure_pages, page_urls
from .server import measure_server

# Targets at 1,000,000 synopses on PostgreSQL (docs/performance.md).
TARGET_SEARCH_P95_MS = 50
TARGET_PAGE_RATIO = 0.5
TARGET_SCALE_RATIO = 3
TARGET_IMPORT_RATE = 1000
# Pages measured on gunicorn against /healthz.
SERVER_PAGES = ("list", "list_page_2", "detail", "franchise", "franchise_small")


def _machine() -> dict:
    database = connection.settings_dict
    server = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
    else:
        server = sqlite3.sqlite_version
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "database": connection.vendor,
        "database_version": server,
        "database_name": str(database.get("NAME", "")),
    }


def run_benchmark(
    *,
    synopses: int,
    seed: int = 0,
    quick: bool = False,
    force: bool = False,
    reload: bool = False,
    import_synopses: int | None = None,
    import_workers: tuple[int, ...] = DEFAULT_WORKERS,
    server_seconds: float | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Build (or reuse) the catalogue, measure import, pages and search; return every figure."""
    started = time.perf_counter()
    spec = CatalogueSpec(synopses=synopses, seed=seed)
    repeats, search_repeats = (5, 3) if quick else (50, 15)
    import_count = import_synopses or (100 if quick else 2000)

    progress(f"catalogue: {synopses} synopses, seed {seed}")
    load = load_catalogue(
        spec,
        force=force,
        reload=reload,
        progress=lambda done, total, seconds: progress(
            f"  loaded {done}/{total} in {seconds:.0f} s"
        ),
    )
    progress(f"import: {import_count} synopses through the importer, then langdetect alone")
    gin_pending = {"after_load": gin_pending_list()}
    imported = measure_import(synopses=import_count, seed=seed, workers=import_workers)
    # The dry run rolls back its rows but not their GIN pending-list entries: vacuum, as
    # autovacuum would in production, so searches are measured as a server serves them.
    gin_pending["after_import"] = gin_pending_list()
    analyse_tables()
    gin_pending["after_vacuum"] = gin_pending_list()
    progress("pages and search")
    pages = measure_pages(
        spec, repeats=repeats, search_repeats=search_repeats, budget=2.0 if quick else 15.0
    )

    server_seconds = (1.0 if quick else 5.0) if server_seconds is None else server_seconds
    server = {"available": False, "note": "not run (--server-seconds 0)"}
    if server_seconds > 0:
        progress(f"gunicorn: {server_seconds:g} s per page, cached and uncached")
        urls = page_urls()
        server = measure_server(
            {name: urls[name] for name in SERVER_PAGES if urls.get(name)}, seconds=server_seconds
        )

    result = {
        "benchmark": {
            "synopses": synopses,
            "seed": seed,
            "quick": quick,
            "seconds": 0.0,
            **_machine(),
        },
        "catalogue": catalogue_counts(),
        "load": load.as_dict(),
        "sizes": relation_sizes(),
        "import": imported.as_dict(),
        "gin_pending_list": gin_pending,
        **pages.as_dict(),
        "server": server,
    }
    result["targets"] = targets(result)
    result["benchmark"]["seconds"] = round(time.perf_counter() - started, 1)
    return result


def targets(result: dict) -> dict:
    """Each performance target (docs/performance.md), its figure and whether it is met."""
    pages = result["pages"]
    search = result["search"]

    def page_ratio(name: str) -> float | None:
        return pages.get(name, {}).get("ratio_to_baseline")

    list_ratio, detail_ratio = page_ratio("list"), page_ratio("detail")
    server = result.get("server", {})

    def server_ratio(name: str, mode: str) -> float | None:
        return server.get("pages", {}).get(name, {}).get(mode, {}).get("ratio_to_healthz")

    on_gunicorn = {
        f"{name}_{mode}_ratio_to_healthz_on_gunicorn": {
            "target": f">= {TARGET_PAGE_RATIO}",
            "value": server_ratio(name, mode),
            "met": None
            if server_ratio(name, mode) is None
            else server_ratio(name, mode) >= TARGET_PAGE_RATIO,
        }
        for name in ("list", "detail")
        for mode in ("cached", "uncached")
    }
    return {
        "search_p95_ms": {
            "target": f"<= {TARGET_SEARCH_P95_MS}",
            "value": search["p95_ms"],
            "met": None if search["p95_ms"] is None else search["p95_ms"] <= TARGET_SEARCH_P95_MS,
        },
        "list_ratio_to_baseline": {
            "target": f">= {TARGET_PAGE_RATIO}",
            "value": list_ratio,
            "met": None if list_ratio is None else list_ratio >= TARGET_PAGE_RATIO,
        },
        "detail_ratio_to_baseline": {
            "target": f">= {TARGET_PAGE_RATIO}",
            "value": detail_ratio,
            "met": None if detail_ratio is None else detail_ratio >= TARGET_PAGE_RATIO,
        },
        "import_per_second": {
            "target": f">= {TARGET_IMPORT_RATE}",
            "value": result["import"]["synopses_per_second"],
            "met": result["import"]["synopses_per_second"] >= TARGET_IMPORT_RATE,
        },
        **on_gunicorn,
    }


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}" if value >= 10 else f"{value:,.2f}{unit}"
    return f"{value:,}{unit}"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))

    return [line(headers), line(["-" * width for width in widths]), *map(line, rows)]


def render(result: dict) -> str:
    """The human table of a run."""
    meta = result["benchmark"]
    out = [
        f"Benchmark: {meta['synopses']:,} synopses (seed {meta['seed']}), {meta['database']} "
        f"{meta['database_version']}, {meta['cpus']} CPUs, Python {meta['python']}, "
        f"Django {meta['django']}; {meta['seconds']} s",
        "",
    ]
    load = result["load"]
    out.append(
        f"Catalogue: {result['catalogue']['synopses']:,} synopses, "
        f"{result['catalogue']['films']:,} films, {result['catalogue']['franchises']:,} "
        f"franchises; load {load['method']}: {_fmt(load['seconds'], ' s')}, "
        f"{_fmt(load['synopses_per_second'])} synopses/s"
    )
    if result["sizes"]:
        synopsis = result["sizes"].get("films_synopsis", {})
        out.append(
            f"Synopsis table: {synopsis.get('table', 0) / 2**20:,.0f} MB heap + "
            f"{synopsis.get('indexes', 0) / 2**20:,.0f} MB indexes"
        )
    imported = result["import"]
    out += [
        f"Import: {imported['synopses']} synopses in {imported['files']} files: "
        f"{_fmt(imported['synopses_per_second'])}/s with detection and matching; langdetect "
        f"alone, all 55 profiles {_fmt(imported['langdetect_per_second'])}/s (ratio "
        f"{imported['ratio_to_langdetect']}), as configured "
        f"{_fmt(imported.get('langdetect_configured_per_second'))}/s (ratio "
        f"{imported.get('ratio_to_configured_langdetect')})",
    ]
    for run in imported.get("runs", []):
        shares = ", ".join(
            f"{stage.replace('_', ' ')} {share:.0%}" for stage, share in run["stage_shares"].items()
        )
        out.append(
            f"  {run['workers']} worker(s): {_fmt(run['synopses_per_second'])}/s; "
            f"stage shares: {shares}"
        )
    pending = result.get("gin_pending_list", {})
    if any(pending.values()):
        out.append(
            "GIN pending list (pages/tuples): "
            + "; ".join(
                f"{moment.replace('_', ' ')} "
                + ", ".join(f"{n['pages']}/{n['tuples']}" for n in (lists or {}).values())
                for moment, lists in pending.items()
            )
        )
    out += ["", f"Baseline: {result['baseline']['note']}"]
    rows = []
    for name, page in {"baseline": result["baseline"], **result["pages"]}.items():
        if page["result"] != "ok":
            rows.append([name, page["url"], page["result"], "", "", "", "", ""])
            continue
        rows.append(
            [
                name,
                page["url"][:60],
                _fmt(page["p50_ms"]),
                _fmt(page["p95_ms"]),
                _fmt(page["requests_per_second"]),
                _fmt(page["queries"]),
                _fmt(page["ratio_to_baseline"]),
                "",
            ]
        )
    out += _table(["page", "url", "p50 ms", "p95 ms", "req/s", "queries", "× baseline", ""], rows)
    search = result["search"]
    out += ["", f"Search via {search['via'] or 'n/a'}"]
    rows = [
        [
            query["kind"],
            query["language"] or "-",
            query["q"][:30],
            *(
                [_fmt(query["p50_ms"]), _fmt(query["p95_ms"]), _fmt(query["max_ms"])]
                if query["result"] == "ok"
                else [query["result"], "", ""]
            ),
        ]
        for query in search["queries"]
    ]
    rows.append(
        ["ALL", "", "", _fmt(search["p50_ms"]), _fmt(search["p95_ms"]), _fmt(search["max_ms"])]
    )
    out += _table(["kind", "lang", "query", "p50 ms", "p95 ms", "max ms"], rows)
    server = result.get("server", {})
    if server.get("available"):
        out += [
            "",
            f"On gunicorn ({server['workers']} workers, {server['clients']} clients, "
            f"{server['seconds_per_url']:g} s per URL): /healthz "
            f"{_fmt(server['healthz']['requests_per_second'])} req/s",
        ]
        rows = []
        for name, page in server["pages"].items():
            cells = [name, page["url"][:50]]
            for mode in ("cached", "uncached"):
                figures = page[mode]
                bad = sum(n for code, n in figures["statuses"].items() if code != "200")
                cells += [
                    _fmt(figures["requests_per_second"]),
                    _fmt(figures["p50_ms"]),
                    _fmt(figures["ratio_to_healthz"]),
                ]
                cells[-1] += (
                    f" ({bad + figures['failures']} not 200)" if bad or figures["failures"] else ""
                )
            rows.append(cells)
        out += _table(
            ["page", "url", "cached req/s", "p50 ms", "× healthz", "uncached req/s", "p50 ms",
             "× healthz"],
            rows,
        )  # fmt: skip
    else:
        out += ["", f"On gunicorn: {server.get('note', 'not measured')}"]
    out += ["", "Targets (docs/performance.md, meant for 1M synopses on PostgreSQL):"]
    for name, target in result["targets"].items():
        verdict = {True: "met", False: "NOT met", None: "n/a"}[target["met"]]
        out.append(f"  {name}: {_fmt(target['value'])} (target {target['target']}): {verdict}")
    return "\n".join(out)


def compare(small: dict, large: dict) -> dict:
    """Scale ratios of two runs: search p95 and every page's p95, large over small."""

    def ratio(a, b) -> float | None:
        return round(b / a, 2) if a and b else None

    pages = {
        name: ratio(page.get("p95_ms"), large["pages"].get(name, {}).get("p95_ms"))
        for name, page in small["pages"].items()
    }
    search_ratio = ratio(small["search"]["p95_ms"], large["search"]["p95_ms"])
    return {
        "small": small["benchmark"]["synopses"],
        "large": large["benchmark"]["synopses"],
        "search_p95_ms": [small["search"]["p95_ms"], large["search"]["p95_ms"]],
        "search_p95_ratio": search_ratio,
        "search_p95_ratio_target": f"<= {TARGET_SCALE_RATIO}",
        "search_p95_ratio_met": None
        if search_ratio is None
        else search_ratio <= TARGET_SCALE_RATIO,
        "page_p95_ratios": pages,
    }


def render_comparison(comparison: dict) -> str:
    out = [
        f"{comparison['large']:,} vs {comparison['small']:,} synopses (p95 ratio, large/small)",
        f"  search: {comparison['search_p95_ms'][1]} / {comparison['search_p95_ms'][0]} ms = "
        f"{_fmt(comparison['search_p95_ratio'])} (target {comparison['search_p95_ratio_target']}: "
        f"{ {True: 'met', False: 'NOT met', None: 'n/a'}[comparison['search_p95_ratio_met']] })",
    ]
    out += [f"  {name}: {_fmt(value)}" for name, value in comparison["page_p95_ratios"].items()]
    return "\n".join(out)
