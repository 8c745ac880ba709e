"""Languages of the catalogue: the table (films/languages/table.py) and what is read from it.

Tags are BCP 47. A tag the table lacks still works: its names come from Django's
``LANG_INFO`` (or are the tag itself), it is searched with the "simple" config and its
accents are folded. Everything per language (search config, stemmer, accents, detector, segmenter,
articles, name endings, web font) is read from the table here; docs/languages.md.
"""

from django.conf.locale import LANG_INFO
from django.utils.translation.trans_real import parse_accept_lang_header

from .base import Language, Segmenter
from .table import LANGUAGES

__all__ = [
    "CLOSE_DETECTOR_GROUPS",
    "DEFAULT_DETECTORS",
    "FALLBACK_CONFIG",
    "LANGUAGES",
    "LEADING_ARTICLES",
    "NAME_ENDINGS",
    "OWN_SCRIPT_LANGUAGES",
    "UNDETERMINED",
    "WEB_FONTS",
    "Language",
    "Segmenter",
    "capitalises_nouns",
    "name_endings_of",
    "english_name",
    "has_unspaced_script",
    "is_rtl",
    "is_stopword_run",
    "keeps_accents",
    "language_for",
    "native_name",
    "preferred_order",
    "search_config_for",
    "segment_words",
    "stemmer_for",
    "to_bcp47",
]

UNDETERMINED = "und"
# Thai (no PostgreSQL parser: segmented here) and any language PostgreSQL has no config for.
FALLBACK_CONFIG = "simple"

_BY_TAG = {language.tag.lower(): language for language in LANGUAGES}
_BY_PRIMARY = {language.tag.lower(): language for language in LANGUAGES if "-" not in language.tag}
# langdetect speaks ISO 639-1 plus two region codes; BCP 47 prefers scripts for Chinese.
_DETECTOR_TO_BCP47 = {
    language.detector: language.tag
    for language in LANGUAGES
    if language.detector and language.detector != language.tag.lower()
}

# Read once from the table by the title keys, the matcher, the detector and the templates.
LEADING_ARTICLES = frozenset(article for language in LANGUAGES for article in language.articles)
NAME_ENDINGS = frozenset(ending for language in LANGUAGES for ending in language.name_endings)
DEFAULT_DETECTORS = tuple(language.detector for language in LANGUAGES if language.detector)
CLOSE_DETECTOR_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(
        language.detector
        for language in LANGUAGES
        if language.close_group == group and language.detector
    )
    for group in sorted({language.close_group for language in LANGUAGES} - {""})
)
OWN_SCRIPT_LANGUAGES = tuple(language for language in LANGUAGES if language.own_script)
WEB_FONTS = tuple(dict.fromkeys(language.web_font for language in LANGUAGES if language.web_font))
_SEGMENTERS = tuple(
    dict.fromkeys(language.segmenter for language in LANGUAGES if language.segmenter)
)


def to_bcp47(code: str) -> str:
    """Return the BCP 47 tag for a detector or user-supplied language code ("zh-cn" → "zh-Hans")."""
    code = code.strip().replace("_", "-")
    if code.lower() in _DETECTOR_TO_BCP47:
        return _DETECTOR_TO_BCP47[code.lower()]
    primary, *rest = code.split("-")
    subtags = [primary.lower()]
    for subtag in rest:
        if len(subtag) == 4:
            subtags.append(subtag.title())  # script: Latn, Thai, Hans
        elif len(subtag) == 2:
            subtags.append(subtag.upper())  # region: DK, BR
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)


def _primary(tag: str) -> str:
    return tag.split("-")[0].lower()


def language_for(tag: str) -> Language | None:
    """Return the table's entry for a tag, or for its primary subtag ("da-DK" → da)."""
    return _BY_TAG.get(tag.lower()) or _BY_PRIMARY.get(_primary(tag))


def _info(tag: str) -> dict | None:
    lowered = tag.lower()
    return LANG_INFO.get(lowered) or LANG_INFO.get(lowered.split("-")[0])


def _described(tag: str) -> Language | dict | None:
    """The table's entry for ``tag``, or Django's ``LANG_INFO`` where it knows the exact tag
    ("en-GB") and the table does not; the table's entry for the primary subtag after that."""
    entry = _BY_TAG.get(tag.lower())
    if entry is None and tag.lower() not in LANG_INFO:
        entry = _BY_PRIMARY.get(_primary(tag))
    return entry if entry is not None else _info(tag)


def native_name(tag: str) -> str:
    """Return the language's name in that language, capitalised: "da" → "Dansk"."""
    described = _described(tag)
    if isinstance(described, Language):
        return described.own_name
    if described is None:
        return tag
    name = described["name_local"]
    return name[:1].upper() + name[1:]


def english_name(tag: str) -> str:
    """Return the language's English name: "da" → "Danish"."""
    described = _described(tag)
    if isinstance(described, Language):
        return described.english_name
    return described["name"] if described else tag


def is_rtl(tag: str) -> bool:
    info = _info(tag)
    return bool(info and info.get("bidi"))


def search_config_for(tag: str) -> str:
    """Return the PostgreSQL text-search config of a BCP 47 tag: "da-DK" → "danish"."""
    entry = _BY_PRIMARY.get(_primary(tag))
    return entry.search_config if entry else FALLBACK_CONFIG


def name_endings_of(tag: str | None) -> frozenset[str]:
    """Endings a name may take in a text of language ``tag`` (any language's: NAME_ENDINGS)."""
    entry = _BY_PRIMARY.get(_primary(tag)) if tag else None
    if entry is None:
        return NAME_ENDINGS
    return NAME_ENDINGS | frozenset(entry.name_endings) | frozenset(entry.case_endings)


def capitalises_nouns(tag: str) -> bool:
    """True when every noun of the language starts with a capital (German)."""
    entry = _BY_PRIMARY.get(_primary(tag))
    return bool(entry and entry.capitalises_nouns)


def stemmer_for(tag: str) -> str:
    """Return the Snowball algorithm of a BCP 47 tag ("da-DK" → "danish"), "" for none."""
    entry = _BY_PRIMARY.get(_primary(tag))
    return entry.stemmer if entry else ""


def keeps_accents(tag: str) -> bool:
    """True when the language's marked letters are letters of their own (Danish ø, Swedish å)."""
    entry = _BY_PRIMARY.get(_primary(tag))
    return bool(entry and entry.keeps_accents)


def has_unspaced_script(text: str) -> bool:
    """True when ``text`` has a script written without spaces between words (Thai)."""
    if text.isascii():  # one pass in C, against a regular expression's scan per script
        return False
    return any(segmenter.run.search(text) for segmenter in _SEGMENTERS)


def segment_words(text: str) -> str:
    """Return ``text`` with every run of an unspaced script split into space-separated words."""
    for segmenter in _SEGMENTERS:
        if not segmenter.run.search(text):
            continue

        def split(match, segmenter=segmenter) -> str:
            return " " + " ".join(segmenter.split(match.group())) + " "

        text = " ".join(segmenter.run.sub(split, text).split())
    return text


def is_stopword_run(words: str) -> bool:
    """True when ``words`` (segmented) are function words of an unspaced script only.

    PostgreSQL's configs drop their languages' stopwords from queries ("the" finds nothing
    in English); a segmented script has no config, so a query term made only of its
    stopwords is dropped by the search (films/search/analysis.py) instead.
    """
    tokens = words.split()
    return any(
        segmenter.run.search(words) and all(token in segmenter.stopwords() for token in tokens)
        for segmenter in _SEGMENTERS
    )


def preferred_order(accept_language: str, tags: list[str]) -> list[str]:
    """Return ``tags`` ordered by an ``Accept-Language`` header (q-values respected), then the rest.

    A preference for "da" takes "da-DK" too; a preference for "da-DK" takes plain "da" after it.
    Ties keep the order of ``tags``.
    """
    try:
        preferences = parse_accept_lang_header(accept_language[:1000])
    except ValueError:
        preferences = ()
    ranked = [(lang.lower(), q) for lang, q in preferences if lang != "*" and q > 0]

    def rank(tag: str) -> tuple[int, float]:
        lowered = tag.lower()
        for position, (lang, _q) in enumerate(ranked):
            if lowered == lang or lowered.startswith(lang + "-"):
                return (0, position)
            if lang.split("-")[0] == lowered.split("-")[0]:
                return (0, position + 0.5)
        return (1, 0)

    return sorted(tags, key=rank)
