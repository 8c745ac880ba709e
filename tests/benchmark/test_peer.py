"""The peer search library: the published synopses streamed in batches, the mix run on them."""

import pytest

from benchmark import peer
from benchmark.corpus import CatalogueSpec
from benchmark.loading import load_catalogue
from benchmark.pages import search_mix
from films.models import Synopsis
from tests.factories import SynopsisFactory

SPEC = CatalogueSpec(synopses=80, seed=2)


@pytest.mark.django_db
def test_published_texts_come_in_batches_each_synopsis_once():
    load_catalogue(SPEC)
    SynopsisFactory(film=None, review_status="pending")  # waiting for review: not published
    batches = list(peer.published_texts(batch_size=7))
    assert all(len(batch) <= 7 for batch in batches)
    ids = [pk for batch in batches for pk, _, _ in batch]
    assert ids == sorted(Synopsis.objects.published().values_list("pk", flat=True))
    assert len(ids) == 80
    first_id, language, text = batches[0][0]
    assert (language, text) == tuple(
        Synopsis.objects.filter(pk=first_id).values_list("language", "search_text").get()
    )


@pytest.mark.django_db
def test_without_the_library_the_run_goes_on_with_a_note(monkeypatch):
    monkeypatch.setattr(peer, "tantivy", None)
    figures = peer.measure_peer(SPEC, repeats=1, healthz_p50_ms=1.0)
    assert figures == {"available": False, "note": peer.NOT_INSTALLED_NOTE}
    assert "pip install -e '.[bench]'" in figures["note"]


@pytest.mark.django_db
def test_the_mix_runs_on_an_index_of_the_published_synopses():
    pytest.importorskip("tantivy")
    load_catalogue(SPEC)
    figures = peer.measure_peer(SPEC, repeats=2, healthz_p50_ms=0.5)
    assert figures["available"]
    assert figures["documents"] == 80
    by_text = {query["q"]: query for query in figures["queries"]}
    assert by_text["qwxzvbenchmarkless"]["hits"] == 0
    franchise = next(query for query in figures["queries"] if query["kind"] == "half-corpus")
    assert 0 < franchise["hits"] <= peer.HITS
    assert franchise["q"].lower() in franchise["snippet"].lower()
    assert figures["p95_to_healthz_p50"] == pytest.approx(figures["p95_ms"] / 0.5, abs=0.011)


@pytest.mark.django_db
def test_every_word_of_a_query_is_required_in_any_language(tmp_path):
    pytest.importorskip("tantivy")
    load_catalogue(SPEC)
    languages = sorted(set(Synopsis.objects.values_list("language", flat=True)))
    index, built = peer.build_index(languages, tmp_path)
    assert built["documents"] == 80
    fields = [peer.field_name(language) for language in languages]
    franchise = next(query.text for query in search_mix(SPEC) if query.kind == "half-corpus")
    assert peer.search(index, fields, franchise)
    assert peer.search(index, fields, f"{franchise} qwxzvbenchmarkless") == []


def test_each_language_field_stems_with_its_own_algorithm_and_thai_keeps_its_words():
    pytest.importorskip("tantivy")
    english, description = peer.analyzer("en")
    assert english.analyze("Running houses") == ["run", "hous"]
    assert description == "simple, english"
    german, _ = peer.analyzer("de")
    assert german.analyze("Häuser") != english.analyze("Häuser")
    # tantivy has no Polish stemmer: the words are kept whole, and the report says so.
    polish, description = peer.analyzer("pl")
    assert polish.analyze("Rankami") == ["rankami"]
    assert "not stemmed" in description
    # The simple tokenizer would cut ว่า at its tone mark.
    thai, _ = peer.analyzer("th")
    assert thai.analyze("ของ ว่า, ของ") == ["ของ", "ว่า", "ของ"]
