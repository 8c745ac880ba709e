"""Tag a synopsis with its language: langdetect, seeded, with a second opinion for close languages.

Measured (shared notes): whole paragraphs are always right; short text is where
langdetect errs, and Danish, Norwegian and Swedish are confused with each other.
So text under MIN_LETTERS is "und", and a Scandinavian result is checked by a
detector that knows only those three: when the two disagree, or either is unsure,
the synopsis is marked for review instead of guessed.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from ..languages import UNDETERMINED, to_bcp47

SEED = 0
MIN_LETTERS = 20
SHORT_TEXT_LETTERS = 40
MIN_CONFIDENCE = 0.90
# Languages langdetect confuses with each other; a result in one group is double-checked.
CLOSE_LANGUAGE_GROUPS: tuple[frozenset[str], ...] = (frozenset({"da", "no", "sv"}),)
# A long synopsis says no more about its language than its first few thousand letters.
MAX_TEXT_LENGTH = 3000

_THAI_LETTER = re.compile(r"[\u0E01-\u0E2E\u0E30-\u0E3A\u0E40-\u0E4E]")


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    confidence: float
    uncertain: bool
    note: str = ""


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


def _probabilities(text: str, languages: tuple[str, ...] | None = None) -> list[tuple[str, float]]:
    detector = _factory(languages).create()
    detector.set_max_text_length(MAX_TEXT_LENGTH)
    detector.append(text)
    try:
        return [(result.lang, result.prob) for result in detector.get_probabilities()]
    except LangDetectException:
        return []


def detect_language(text: str) -> LanguageGuess:
    """Return the BCP 47 tag of ``text`` with the detector's confidence and whether to review it."""
    letters = sum(1 for char in text if char.isalpha())
    if letters < MIN_LETTERS:
        return LanguageGuess(UNDETERMINED, 0.0, True, "too little text to tell its language")
    # Thai script is used for Thai alone: no statistics needed.
    thai_letters = len(_THAI_LETTER.findall(text))
    if thai_letters >= letters * 0.6:
        return LanguageGuess("th", 1.0, False)

    ranked = _probabilities(text)
    if not ranked:
        return LanguageGuess(UNDETERMINED, 0.0, True, "no language features found")
    code, confidence = ranked[0]
    tag = to_bcp47(code)
    if letters < SHORT_TEXT_LETTERS:
        return LanguageGuess(tag, confidence, True, "short text: language detection is unreliable")
    if confidence < MIN_CONFIDENCE:
        runner_up = f", {to_bcp47(ranked[1][0])} {ranked[1][1]:.2f}" if len(ranked) > 1 else ""
        return LanguageGuess(tag, confidence, True, f"unsure: {tag} {confidence:.2f}{runner_up}")
    for group in CLOSE_LANGUAGE_GROUPS:
        if code not in group:
            continue
        second_code, second_confidence = _probabilities(text, tuple(sorted(group)))[0]
        if second_code != code or second_confidence < MIN_CONFIDENCE:
            return LanguageGuess(
                tag,
                min(confidence, second_confidence),
                True,
                f"close languages disagree: {code} vs {second_code} ({second_confidence:.2f})",
            )
    return LanguageGuess(tag, confidence, False)
