"""films/importer/detector.py gives stock langdetect's answers: the same n-grams, languages and
probabilities, on the fixtures, the tests' texts, generated benchmark texts and awkward input."""

from pathlib import Path

import pytest
from django.conf import settings
from langdetect.lang_detect_exception import LangDetectException

from benchmark.corpus import CatalogueSpec, iter_synopses
from films.importer.detector import cleaned_text, profiles_of
from films.importer.language import (
    CLOSE_LANGUAGE_GROUPS,
    MAX_TEXT_LENGTH,
    DetectorSetup,
    _factory,
    configured_setup,
    guess_language,
    guess_languages,
)
from tests.importer.test_language import TEXTS
from tests.importer.test_unseen_synopses import TESTS

# Written for this test: scripts and shapes the catalogue's texts do not have.
AWKWARD = [
    "ROCKY BALBOA and APOLLO CREED   meet at http://example.org/x?a=1 or mail a.b@c.dk — NASA.",
    "Ngược dòng thời gian, Rocky Balboa trở lại sàn đấu để bảo vệ danh hiệu.",
    "Рокки Бальбоа возвращается на ринг, чтобы сразиться с Иваном Драго в Москве.",
    "Ο Ρόκι επιστρέφει στο ρινγκ για να αντιμετωπίσει τον Ίβαν Ντράγκο στη Μόσχα.",
    "روكي يعود إلى الحلبة لمواجهة الملاكم إيفان دراغو في موسكو يوم عيد الميلاد.",
    "रॉकी मॉस्को में इवान ड्रैगो से लड़ने के लिए रिंग में लौटता है।",
    "ロッキーはモスクワでイワン・ドラゴと戦うためにリングに戻る。",
    "록키는 모스크바에서 이반 드라고와 싸우기 위해 링으로 돌아온다.",
    "洛奇回到拳台，在莫斯科与伊万·德拉戈对决。",
    "Rocky ROCKY rOcKy ÀÉÎ ÅSA ØYSTEIN Ærø æøå ß ŞŢ ș ț ǅungla",
    "a",
    "12345 !!! ...",
    "   leading and trailing spaces   ",
    "Mixed Латиница and кириллица, and Ελληνικά words in one line",
]


def _fixture_texts() -> list[str]:
    texts = []
    for path in sorted((Path(settings.BASE_DIR) / "fixtures" / "synopses").glob("*.txt")):
        content = path.read_text(encoding="utf-8-sig")
        texts += [block for block in content.split("\n\n") if block.strip()]
        texts += [line for line in content.splitlines() if line.strip()][:60]
    return texts


def _generated_texts() -> list[str]:
    spec = CatalogueSpec(synopses=400, seed=7)
    texts = [item.text for item in iter_synopses(spec, stream="import", count=240)]
    # Long ones, past MAX_TEXT_LENGTH, and short cuts of them.
    texts += ["\n\n".join(texts[start : start + 8]) for start in range(0, 80, 8)]
    texts += [text[:60] for text in texts[:40]]
    return texts


SAMPLES = [
    *TEXTS.values(),
    *(text for _, _, text in TESTS),
    *AWKWARD,
    *_fixture_texts(),
    *_generated_texts(),
]


def _stock(text: str, languages: tuple[str, ...] | None) -> tuple[list[str], list]:
    """Stock langdetect's n-grams and ranked (language, probability) of ``text``."""
    detector = _factory(languages).create()
    detector.set_max_text_length(MAX_TEXT_LENGTH)
    detector.append(text)
    detector.cleaning_text()
    ngrams = detector._extract_ngrams()
    try:
        ranked = [(result.lang, result.prob) for result in detector.get_probabilities()]
    except LangDetectException:
        ranked = []
    return ngrams, ranked


def _profile_sets() -> list[tuple[str, ...] | None]:
    setup = configured_setup()
    return [None, setup.latin, setup.other, *(tuple(sorted(g)) for g in CLOSE_LANGUAGE_GROUPS)]


def test_the_samples_cover_scripts_lengths_and_languages():
    assert len(SAMPLES) > 400
    assert any(len(text) > MAX_TEXT_LENGTH for text in SAMPLES)
    guessed = {guess.language for guess in guess_languages(SAMPLES, setup=configured_setup())}
    assert len(guessed) >= 10


@pytest.mark.parametrize("languages", _profile_sets(), ids=str)
def test_ngrams_and_probabilities_are_stock_langdetects(languages):
    profiles = profiles_of(_factory(languages))
    grams = {row: gram for gram, row in profiles.rows.items()}
    # All texts at once: each is weighed beside the others, as an import does.
    found = profiles.probabilities(
        [cleaned_text(text, max_length=MAX_TEXT_LENGTH) for text in SAMPLES], seed=0
    )
    for text, ranked in zip(SAMPLES, found, strict=True):
        ngrams, expected = _stock(text, languages)
        cleaned = cleaned_text(text, max_length=MAX_TEXT_LENGTH)
        assert [grams[row] for row in profiles.ngram_rows(cleaned)] == ngrams, text
        assert [code for code, _ in ranked] == [code for code, _ in expected], text
        assert [p for _, p in ranked] == pytest.approx([p for _, p in expected], abs=1e-9), text


def test_the_cleaned_text_is_stock_langdetects():
    for text in SAMPLES:
        detector = _factory(None).create()
        detector.set_max_text_length(MAX_TEXT_LENGTH)
        detector.append(text)
        detector.cleaning_text()
        assert cleaned_text(text, max_length=MAX_TEXT_LENGTH) == detector.text


def test_guesses_are_those_of_stock_langdetect_with_the_same_profiles():
    """The whole guess (close-language second opinion, notes) by the fast and stock detector."""
    fast = configured_setup()
    stock = DetectorSetup(latin=fast.latin, other=fast.other, stock=True)
    expected = [guess_language(text, setup=stock) for text in SAMPLES]
    found = guess_languages(SAMPLES, setup=fast)
    for text, guess, wanted in zip(SAMPLES, found, expected, strict=True):
        assert (guess.language, guess.uncertain, guess.note) == (
            wanted.language,
            wanted.uncertain,
            wanted.note,
        ), text
        assert guess.confidence == pytest.approx(wanted.confidence, abs=1e-9), text
