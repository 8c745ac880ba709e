"""The human tables of a run: pages, the search mix beside the peer library, gunicorn.

"×hz" columns are latencies as multiples of the test client's /healthz p50 in the same run;
"sql" is the time the page's statements took (benchmark/pages.py, SqlTimer) and its share of
the page's time.
"""


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}" if value >= 10 else f"{value:,.2f}{unit}"
    return f"{value:,}{unit}"


def percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.0f}%"


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))

    return [line(headers), line(["-" * width for width in widths]), *map(line, rows)]


def _latency_cells(figures: dict) -> list[str]:
    """p50, p95, SQL p50 and share, p50 and p95 as multiples of /healthz's p50."""
    return [
        fmt(figures["p50_ms"]),
        fmt(figures["p95_ms"]),
        fmt(figures["sql_p50_ms"]),
        percent(figures["sql_share"]),
        fmt(figures["p50_to_healthz_p50"]),
        fmt(figures["p95_to_healthz_p50"]),
    ]


LATENCY_HEADERS = ["p50 ms", "p95 ms", "sql p50", "sql %", "p50 ×hz", "p95 ×hz"]


def page_lines(result: dict) -> list[str]:
    out = [f"Pages (test client, page cache bypassed). Baseline: {result['baseline']['note']}"]
    rows = []
    for name, page in {"baseline": result["baseline"], **result["pages"]}.items():
        if page["result"] != "ok":
            rows.append([name, page["url"][:50], page["result"], *[""] * 8])
            continue
        rows.append(
            [
                name,
                page["url"][:50],
                *_latency_cells(page),
                fmt(page["requests_per_second"]),
                fmt(page["queries"]),
                fmt(page["ratio_to_baseline"]),
            ]
        )
    headers = ["page", "url", *LATENCY_HEADERS, "req/s", "queries", "req/s ×baseline"]
    return out + table(headers, rows)


def _peer_cells(peer_query: dict | None) -> list[str]:
    if peer_query is None:
        return ["", "", ""]
    if peer_query["result"] != "ok":
        return [peer_query["result"][:30], "", ""]
    return [fmt(peer_query["p50_ms"]), fmt(peer_query["p95_ms"]), fmt(peer_query["hits"])]


def search_lines(result: dict) -> list[str]:
    search, peer = result["search"], result.get("peer", {})
    peer_queries = peer.get("queries", []) if peer.get("available") else []
    out = [f"Search mix via {search['via'] or 'n/a'}"]
    if peer.get("available"):
        out.append(
            f"Peer: {peer['library']}, {peer['documents']:,} synopses indexed in "
            f"{fmt(peer['build_seconds'], ' s')} ({fmt(peer['read_seconds'], ' s')} of it reading "
            f"them), {peer['index_bytes'] / 2**20:,.0f} MB; top 12 with snippets"
        )
        out.append(
            "  fields: "
            + "; ".join(f"{tag} {what}" for tag, what in sorted(peer["analyzers"].items()))
        )
    else:
        out.append(f"Peer: {peer.get('note', 'not run')}")
    rows = []
    for position, query in enumerate(search["queries"]):
        ours = _latency_cells(query) if query["result"] == "ok" else [query["result"], *[""] * 5]
        peer_query = peer_queries[position] if position < len(peer_queries) else None
        rows.append(
            [query["kind"], query["language"] or "-", query["q"][:24], *ours]
            + _peer_cells(peer_query)
        )
    peer_overall = (
        [fmt(peer["p50_ms"]), fmt(peer["p95_ms"]), ""] if peer.get("available") else ["", "", ""]
    )
    overall = _latency_cells(search) if search["available"] else ["n/a", *[""] * 5]
    rows.append(["ALL", "", "", *overall, *peer_overall])
    headers = ["kind", "lang", "query", *LATENCY_HEADERS, "peer p50", "peer p95", "peer hits"]
    out += table(headers, rows)
    if search.get("healthz_during_p50_ms"):
        out.append(
            "/healthz p50 over the run, the unit of ×hz: "
            f"{fmt(search.get('healthz_run_p50_ms'), ' ms')}; at the start "
            f"{fmt(search.get('healthz_start_p50_ms'), ' ms')}, after each query "
            f"of the mix {fmt(search['healthz_during_p50_ms'], ' ms')}: the mix's p95 is "
            f"{fmt(search.get('p95_to_healthz_start_p50'))}× and "
            f"{fmt(search['p95_to_healthz_during_p50'])}× those"
        )
    if peer.get("available"):
        out.append(
            f"Peer mix as multiples of /healthz p50: p50 {fmt(peer['p50_to_healthz_p50'])}×, "
            f"p95 {fmt(peer['p95_to_healthz_p50'])}×"
        )
    return out


def server_lines(server: dict) -> list[str]:
    if not server.get("available"):
        return [f"On gunicorn: {server.get('note', 'not measured')}"]
    healthz = server["healthz"]
    out = [
        f"On gunicorn ({server['workers']} workers, {server['clients']} clients, "
        f"{server['seconds_per_url']:g} s per URL and mode; page cache: "
        f"{server.get('page_cache', 'local memory per worker')})"
    ]
    rows = [["/healthz", "", *_server_cells(healthz)]]
    for name, page in server["pages"].items():
        for mode in ("cached", "uncached"):
            rows.append([name if mode == "cached" else "", mode, *_server_cells(page[mode])])
    headers = ["page", "mode", "req/s", "×healthz", "p50 ms", "p95 ms", "p99 ms", "p99/p50", ""]
    return out + table(headers, rows)


def _server_cells(figures: dict) -> list[str]:
    bad = sum(count for code, count in figures["statuses"].items() if code != "200")
    bad += figures["failures"]
    return [
        fmt(figures["requests_per_second"]),
        fmt(figures["ratio_to_healthz"]),
        fmt(figures["p50_ms"]),
        fmt(figures["p95_ms"]),
        fmt(figures["p99_ms"]),
        fmt(figures["p99_to_p50"]),
        f"{bad} not 200" if bad else "",
    ]
