"""Tag a synopsis with its language: langdetect, seeded, with a second opinion for close languages.

Measured (shared notes): whole paragraphs are always right; short text is where
langdetect errs, and Danish, Norwegian and Swedish are confused with each other.
So text under MIN_LETTERS is "und", and a Scandinavian result is checked by a
detector that knows only those three: when the two disagree, or either is unsure,
the synopsis is marked for review instead of guessed.

Speed: langdetect weighs every language it knows for every n-gram it samples, so
it is loaded with the catalogue's languages only (``settings.IMPORT_LANGUAGES``),
and a text is weighed against the languages of its own script: Latin-script text
against the Latin-script languages, other scripts against the others (langdetect
drops the Latin letters of such a text itself). Its algorithm runs in
films/importer/detector.py, which gives langdetect's own answers (compared in
tests/importer/test_detector.py) faster, many texts at once: :func:`guess_languages`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.unicode_block import UNICODE_LATIN_EXTENDED_ADDITIONAL, unicode_block

from ..languages import CLOSE_DETECTOR_GROUPS, OWN_SCRIPT_LANGUAGES, UNDETERMINED, to_bcp47
from .detector import cleaned_text, forget_words, profiles_of

SEED = 0
MIN_LETTERS = 20
SHORT_TEXT_LETTERS = 40
MIN_CONFIDENCE = 0.90
# Languages langdetect confuses with each other (films/languages/table.py): a result in one
# group is double-checked.
CLOSE_LANGUAGE_GROUPS: tuple[frozenset[str], ...] = CLOSE_DETECTOR_GROUPS
# A long synopsis says no more about its language than its first few thousand letters.
MAX_TEXT_LENGTH = 3000
# langdetect's profiles of languages written in Latin script; the others are in their own.
_LATIN_SCRIPT = (
    "af ca cs cy da de en es et fi fr hr hu id it lt lv nl no pl pt ro sk sl so sq sv sw tl tr vi"
)
LATIN_SCRIPT_LANGUAGES = frozenset(_LATIN_SCRIPT.split())
ALL_LANGUAGES = None  # every profile langdetect ships (55)


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    confidence: float
    uncertain: bool
    note: str = ""


def available_languages() -> frozenset[str]:
    """Every language langdetect has a profile for, by its code ("de", "zh-cn")."""
    return frozenset(path.name for path in Path(PROFILES_DIRECTORY).iterdir())


@cache
def _factory(languages: tuple[str, ...] | None = None) -> DetectorFactory:
    factory = DetectorFactory()
    if languages is None:
        factory.load_profile(PROFILES_DIRECTORY)
    else:
        profiles = [
            (Path(PROFILES_DIRECTORY) / language).read_text(encoding="utf-8")
            for language in languages
        ]
        factory.load_json_profile(profiles)
    factory.set_seed(SEED)
    return factory


def _mostly_latin(text: str) -> bool:
    """langdetect's own test (Detector.cleaning_text) for whether a text is in Latin script."""
    latin = non_latin = 0
    for char in text[:MAX_TEXT_LENGTH]:
        if "A" <= char <= "z":
            latin += 1
        elif char >= "\u0300" and unicode_block(char) != UNICODE_LATIN_EXTENDED_ADDITIONAL:
            non_latin += 1
    return latin * 2 >= non_latin


def _stock_probabilities(text: str, languages: tuple[str, ...] | None) -> list[tuple[str, float]]:
    detector = _factory(languages).create()
    detector.set_max_text_length(MAX_TEXT_LENGTH)
    detector.append(text)
    try:
        return [(result.lang, result.prob) for result in detector.get_probabilities()]
    except LangDetectException:
        return []


def _probabilities(
    texts: list[str], languages: tuple[str, ...] | None, *, stock: bool = False
) -> list[list[tuple[str, float]]]:
    """langdetect's ranked (language, probability) per text, by ``languages``' profiles."""
    if stock:
        return [_stock_probabilities(text, languages) for text in texts]
    cleaned = [cleaned_text(text, max_length=MAX_TEXT_LENGTH) for text in texts]
    return profiles_of(_factory(languages)).probabilities(cleaned, seed=SEED)


@dataclass(frozen=True)
class DetectorSetup:
    """Which langdetect profiles weigh a text, and whether langdetect's own Detector runs them."""

    latin: tuple[str, ...] | None
    other: tuple[str, ...] | None
    stock: bool = False

    @classmethod
    def for_languages(cls, languages: Iterable[str] | None) -> "DetectorSetup":
        """Split ``languages`` by script; None: all 55 profiles at once, as langdetect does."""
        return _setup_for(None if languages is None else tuple(languages))

    def profiles_for(self, text: str) -> tuple[str, ...] | None:
        if self.latin is None and self.other is None:
            return ALL_LANGUAGES
        return (self.latin if _mostly_latin(text) else self.other) or self.latin or self.other


@cache
def _setup_for(languages: tuple[str, ...] | None) -> DetectorSetup:
    if languages is None:
        return DetectorSetup(latin=None, other=None)
    unknown = set(languages) - available_languages()
    if unknown:
        raise ImproperlyConfigured(
            f"IMPORT_LANGUAGES: langdetect has no profile for {', '.join(sorted(unknown))}"
        )
    chosen = sorted(set(languages))
    latin = tuple(code for code in chosen if code in LATIN_SCRIPT_LANGUAGES)
    other = tuple(code for code in chosen if code not in LATIN_SCRIPT_LANGUAGES)
    return DetectorSetup(latin=latin or None, other=other or None)


# langdetect, all 55 profiles, one per call: how the importer detected before IMPORT_LANGUAGES.
ALL_PROFILES = DetectorSetup(latin=None, other=None, stock=True)


def configured_setup() -> DetectorSetup:
    return DetectorSetup.for_languages(settings.IMPORT_LANGUAGES)


def guess_language(text: str, *, setup: DetectorSetup) -> LanguageGuess:
    """Return the BCP 47 tag of ``text`` with the detector's confidence and whether to review it."""
    return guess_languages([text], setup=setup)[0]


def _without_statistics(text: str, letters: int) -> LanguageGuess | None:
    """The guess for a text too short to weigh, or in a script of one language (Thai)."""
    if letters < MIN_LETTERS:
        return LanguageGuess(UNDETERMINED, 0.0, True, "too little text to tell its language")
    for language in OWN_SCRIPT_LANGUAGES:
        if len(language.own_script.findall(text)) >= letters * 0.6:
            return LanguageGuess(language.tag, 1.0, False)
    return None


def guess_languages(texts: list[str], *, setup: DetectorSetup) -> list[LanguageGuess]:
    """:func:`guess_language` of each text, the texts weighed together: the same answers, faster."""
    letters = [sum(map(str.isalpha, text)) for text in texts]
    guesses: list[LanguageGuess | None] = [
        _without_statistics(text, count) for text, count in zip(texts, letters, strict=True)
    ]
    by_profiles: dict[tuple[str, ...] | None, list[int]] = {}
    for index, (text, guess) in enumerate(zip(texts, guesses, strict=True)):
        if guess is None:
            by_profiles.setdefault(setup.profiles_for(text), []).append(index)
    ranked: dict[int, list[tuple[str, float]]] = {}
    for languages, indexes in by_profiles.items():
        found = _probabilities([texts[i] for i in indexes], languages, stock=setup.stock)
        ranked.update(zip(indexes, found, strict=True))
    # A sure result in a group of close languages is weighed again by that group alone.
    second_opinions: dict[int, tuple[str, float]] = {}
    for group in CLOSE_LANGUAGE_GROUPS:
        indexes = [
            index
            for index, found in ranked.items()
            if found
            and found[0][0] in group
            and found[0][1] >= MIN_CONFIDENCE
            and letters[index] >= SHORT_TEXT_LETTERS
        ]
        if indexes:
            found = _probabilities(
                [texts[i] for i in indexes], tuple(sorted(group)), stock=setup.stock
            )
            for index, ranks in zip(indexes, found, strict=True):
                second_opinions[index] = ranks[0]
    for index, found in ranked.items():
        guesses[index] = _decide(letters[index], found, second_opinions.get(index))
    return guesses  # type: ignore[return-value]  # every text has its guess now


def _decide(
    letters: int, ranked: list[tuple[str, float]], second_opinion: tuple[str, float] | None
) -> LanguageGuess:
    if not ranked:
        return LanguageGuess(UNDETERMINED, 0.0, True, "no language features found")
    code, confidence = ranked[0]
    tag = to_bcp47(code)
    if letters < SHORT_TEXT_LETTERS:
        return LanguageGuess(tag, confidence, True, "short text: language detection is unreliable")
    if confidence < MIN_CONFIDENCE:
        runner_up = f", {to_bcp47(ranked[1][0])} {ranked[1][1]:.2f}" if len(ranked) > 1 else ""
        return LanguageGuess(tag, confidence, True, f"unsure: {tag} {confidence:.2f}{runner_up}")
    if second_opinion is not None:
        second_code, second_confidence = second_opinion
        if second_code != code or second_confidence < MIN_CONFIDENCE:
            return LanguageGuess(
                tag,
                min(confidence, second_confidence),
                True,
                f"close languages disagree: {code} vs {second_code} ({second_confidence:.2f})",
            )
    return LanguageGuess(tag, confidence, False)


def warm_up_detector() -> None:
    """Load the configured profiles now (before worker processes are forked, say)."""
    setup = configured_setup()
    scripts = [languages for languages in (setup.latin, setup.other) if languages is not None]
    for languages in [*(scripts or [ALL_LANGUAGES]), *map(sorted, CLOSE_LANGUAGE_GROUPS)]:
        profiles_of(_factory(None if languages is None else tuple(languages)))


# Detections by text, per process: a text met again (a repeat, a re-import) is not weighed again.
_GUESSES: dict[tuple[str, DetectorSetup], LanguageGuess] = {}
_MAX_GUESSES = 10_000


def detect_languages(texts: list[str]) -> list[LanguageGuess]:
    """:func:`detect_language` of each text; the distinct new ones weighed together, once each."""
    setup = configured_setup()
    found = {text: _GUESSES[key] for text in texts if (key := (text, setup)) in _GUESSES}
    new = [text for text in dict.fromkeys(texts) if text not in found]
    if new:
        if len(_GUESSES) + len(new) > _MAX_GUESSES:
            _GUESSES.clear()
        for text, guess in zip(new, guess_languages(new, setup=setup), strict=True):
            found[text] = _GUESSES[(text, setup)] = guess
    return [found[text] for text in texts]


def remember_detections(texts: list[str], guesses: list[LanguageGuess]) -> None:
    """Take detections made elsewhere (by a worker process) as this process's own."""
    setup = configured_setup()
    for text, guess in zip(texts, guesses, strict=True):
        if len(_GUESSES) >= _MAX_GUESSES:
            return
        _GUESSES[(text, setup)] = guess


def forget_detections() -> None:
    """Start again as a new process would: no text detected, no word's n-grams known."""
    _GUESSES.clear()
    forget_words()


def detect_language(text: str) -> LanguageGuess:
    """Return the language of ``text`` by the configured detector; each text is weighed once."""
    return detect_languages([text])[0]
