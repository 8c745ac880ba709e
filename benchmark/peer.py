"""The search mix through a search library, on the same texts: a peer beside our own figures.

tantivy (a Rust library, Lucene's design: BM25, block-max WAND top-k) comes in the optional
``bench`` extra (``pip install -e '.[bench]'``); without it the run goes on and reports
``{"available": false, "note": ...}``.

It indexes every published synopsis's ``search_text`` (the text PostgreSQL's ``tsvector`` is
generated from: accents folded as the catalogue folds them, Thai segmented into words, see
films/search/analysis.py), read from the database in primary-key batches so that a million
synopses are never held at once, into a temporary folder. A tantivy field has one tokenizer,
so there is one text field per language, each with that language's stemming analyzer
(tantivy's simple tokenizer, lower-casing, and the Snowball stemmer the catalogue uses where
tantivy has it); Thai, already segmented, is cut at spaces and punctuation only, because the
simple tokenizer splits Thai words at their tone marks. A query searches every language's
field, every word required (as PostgreSQL's websearch syntax does), and returns the top 12
synopses with an HTML snippet each. Our page does more: it also matches film titles, ranks
films rather than synopses, counts them and renders the page; docs/performance.md.
"""

import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

from films.languages import language_for, stemmer_for
from films.models import Synopsis

from .corpus import CatalogueSpec
from .pages import SearchQuery, search_mix
from .timing import Timing, latency_to_reference

try:
    import tantivy
except ImportError:  # the optional `bench` extra is not installed
    tantivy = None

NOT_INSTALLED_NOTE = (
    "tantivy is not installed: pip install -e '.[bench]' (or make install-bench) to run the "
    "search mix through it as a peer"
)
BATCH_SIZE = 5_000
HITS = 12
WRITER_HEAP_BYTES = 256_000_000
# The peer's queries take about a millisecond: up to ten times our page's repeats, within a
# budget per query, so that its p95 is a percentile and not the slowest sample.
SAMPLES_PER_REPEAT = 10
QUERY_BUDGET_SECONDS = 2.0
# Letters, marks and digits: keeps a Thai tone mark inside its word.
UNSPACED_WORD_PATTERN = r"[\p{L}\p{M}\p{N}]+"


def field_name(language: str) -> str:
    return "text_" + re.sub(r"\W", "_", language.lower())


def _lower_cased(tokenizer: "tantivy.Tokenizer") -> "tantivy.TextAnalyzerBuilder":
    return tantivy.TextAnalyzerBuilder(tokenizer).filter(tantivy.Filter.lowercase())


def analyzer(language: str) -> tuple["tantivy.TextAnalyzer", str]:
    """Return the analyzer of a language's field and a description of it."""
    entry = language_for(language)
    if entry is not None and entry.segmenter is not None:
        built = _lower_cased(tantivy.Tokenizer.regex(UNSPACED_WORD_PATTERN)).build()
        return built, "segmented words, lower-cased, not stemmed"
    stemmer = stemmer_for(language)
    if stemmer:
        try:
            built = _lower_cased(tantivy.Tokenizer.simple())
            return built.filter(tantivy.Filter.stemmer(stemmer)).build(), f"simple, {stemmer}"
        except ValueError:  # a Snowball algorithm tantivy lacks (Polish)
            built = _lower_cased(tantivy.Tokenizer.simple()).build()
            return built, f"simple, not stemmed (tantivy has no {stemmer} stemmer)"
    return _lower_cased(tantivy.Tokenizer.simple()).build(), "simple, not stemmed"


def published_texts(batch_size: int = BATCH_SIZE) -> Iterator[list[tuple[int, str, str]]]:
    """Yield (id, language, search_text) of the published synopses, a batch at a time."""
    last = 0
    synopses = Synopsis.objects.published().order_by("pk")
    while batch := list(
        synopses.filter(pk__gt=last).values_list("pk", "language", "search_text")[:batch_size]
    ):
        yield batch
        last = batch[-1][0]


def build_index(languages: list[str], folder: Path) -> tuple["tantivy.Index", dict]:
    """Index every published synopsis in ``folder``; return the index and its build figures."""
    schema_builder = tantivy.SchemaBuilder()
    schema_builder.add_integer_field("synopsis_id", stored=True)
    schema_builder.add_text_field("language", stored=True, tokenizer_name="raw")
    analyzers = {}
    for language in languages:
        analyzers[language] = analyzer(language)
        schema_builder.add_text_field(
            field_name(language), stored=True, tokenizer_name=field_name(language)
        )
    index = tantivy.Index(schema_builder.build(), path=str(folder))
    for language, (built, _) in analyzers.items():
        index.register_tokenizer(field_name(language), built)

    started = time.perf_counter()
    read_seconds, documents = 0.0, 0
    writer = index.writer(heap_size=WRITER_HEAP_BYTES)
    batches = published_texts()
    while True:
        read_started = time.perf_counter()
        batch = next(batches, None)
        read_seconds += time.perf_counter() - read_started
        if batch is None:
            break
        for pk, language, text in batch:
            writer.add_document(
                tantivy.Document(synopsis_id=pk, language=language, **{field_name(language): text})
            )
        documents += len(batch)
    writer.commit()
    writer.wait_merging_threads()  # search the merged segments, as a settled index would
    index.reload()
    figures = {
        "documents": documents,
        "build_seconds": round(time.perf_counter() - started, 2),
        "read_seconds": round(read_seconds, 2),
        "index_bytes": sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()),
        "analyzers": {language: description for language, (_, description) in analyzers.items()},
    }
    return index, figures


def search(index, fields: list[str], text: str) -> list[tuple[int, str]]:
    """Run one query: the top HITS synopses, each with its snippet as HTML."""
    query = index.parse_query(text, fields, conjunction_by_default=True)
    searcher = index.searcher()
    generators = {}
    hits = []
    for _, address in searcher.search(query, limit=HITS, count=False).hits:
        document = searcher.doc(address)
        field = field_name(document["language"][0])
        if field not in generators:
            generators[field] = tantivy.SnippetGenerator.create(
                searcher, query, index.schema, field
            )
        hits.append((document["synopsis_id"][0], generators[field].snippet_from_doc(document)))
    return [(synopsis_id, snippet.to_html()) for synopsis_id, snippet in hits]


def measure_query(index, fields: list[str], query: SearchQuery, *, repeats: int) -> dict:
    try:
        first = search(index, fields, query.text)  # warm-up, and the hits reported
    except ValueError as error:  # the library's query syntax refused it
        return {"result": f"n/a ({error})"}
    timing = Timing()
    deadline = time.perf_counter() + QUERY_BUDGET_SECONDS
    for _ in range(repeats * SAMPLES_PER_REPEAT):
        started = time.perf_counter()
        search(index, fields, query.text)
        timing.samples_ms.append((time.perf_counter() - started) * 1000)
        if len(timing.samples_ms) >= repeats and time.perf_counter() > deadline:
            break
    return {
        "result": "ok",
        "samples": len(timing.samples_ms),
        "hits": len(first),
        "snippet": first[0][1][:200] if first else "",
        "timing": timing,
    }


def _latencies(timing: Timing, healthz_p50_ms: float | None) -> dict:
    return {
        "p50_ms": round(timing.p50, 3),
        "p95_ms": round(timing.p95, 3),
        "max_ms": round(timing.max, 3),
        **latency_to_reference(timing, healthz_p50_ms),
    }


def measure_peer(spec: CatalogueSpec, *, repeats: int, healthz_p50_ms: float | None) -> dict:
    """Index the published synopses with tantivy and time the search mix on it."""
    if tantivy is None:
        return {"available": False, "note": NOT_INSTALLED_NOTE}
    languages = list(
        Synopsis.objects.published()
        .order_by("language")
        .values_list("language", flat=True)
        .distinct()
    )
    if not languages:
        return {"available": False, "note": "no published synopses to index"}
    fields = [field_name(language) for language in languages]
    queries, timings = [], []
    folder = Path(tempfile.mkdtemp(prefix="benchmark-peer-"))
    try:
        index, built = build_index(languages, folder)
        for query in search_mix(spec):
            figures = measure_query(index, fields, query, repeats=repeats)
            timing = figures.pop("timing", None)
            if timing is not None:
                figures |= _latencies(timing, healthz_p50_ms)
                timings.append(timing)
            queries.append(
                {"kind": query.kind, "language": query.language, "q": query.text} | figures
            )
        del index  # its files are closed before the folder goes
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # Every query weighs the same in the mix: as many samples of each as of the least sampled.
    count = min((len(timing.samples_ms) for timing in timings), default=0)
    mix = Timing([ms for timing in timings for ms in timing.samples_ms[:count]])
    return {
        "available": True,
        "library": f"tantivy {version('tantivy')}",
        **built,
        **_latencies(mix, healthz_p50_ms),
        "queries": queries,
    }
