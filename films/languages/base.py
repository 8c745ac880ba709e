"""What the catalogue knows of one language: the shape of an entry of films/languages/table.py."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf.locale import LANG_INFO


@dataclass(frozen=True)
class Segmenter:
    """Cuts a script written without spaces between words into words.

    PostgreSQL has no parser for such a script, so the search stores and queries it
    segmented (docs/search.md).
    """

    run: re.Pattern  # a run of the script's characters
    split: Callable[[str], list[str]]  # one run → its words
    stopwords: Callable[[], frozenset[str]]  # function words a query alone does not search for


@dataclass(frozen=True)
class Language:
    """One language of the catalogue; names left blank come from Django's ``LANG_INFO``."""

    tag: str  # BCP 47: "da", "zh-Hans"
    english_name: str = ""
    own_name: str = ""  # as the language menu shows it, capitalised
    search_config: str = "simple"  # PostgreSQL text-search configuration (`\dF`)
    # Snowball algorithm (PyStemmer's name) SQLite's index stems with; "" for none. By
    # default the search config's, PostgreSQL's own Snowball algorithm: both find the same words.
    stemmer: str | None = None
    # Marked letters are letters of their own: folding them makes false matches (Danish
    # "mødes" meets / "modes" fashions, Swedish "får" sheep / "far" father).
    keeps_accents: bool = False
    # langdetect's profile, weighed by the importer by default (settings.IMPORT_LANGUAGES).
    detector: str | None = None
    # Languages langdetect confuses with each other share a group: a result is double-checked.
    close_group: str = ""
    segmenter: Segmenter | None = None
    # Letters of a script written for this language alone: text in it needs no statistics.
    own_script: re.Pattern | None = None
    articles: tuple[str, ...] = ()  # leading articles a title key drops ("The Karate Kid")
    name_endings: tuple[str, ...] = ()  # endings a name takes in running text ("Balboas")
    # Case endings of an inflecting language ("Creediä", "Apollem"), read only for its texts.
    case_endings: tuple[str, ...] = ()
    web_font: str = ""  # static path of a font every page preloads for this script
    # Every noun starts with a capital (German): a capital does not mark a name there.
    capitalises_nouns: bool = False

    def __post_init__(self) -> None:
        if self.stemmer is None:
            stemmer = "" if self.search_config == "simple" else self.search_config
            object.__setattr__(self, "stemmer", stemmer)
        info = LANG_INFO.get(self.tag.lower()) or {}
        if not self.english_name:
            object.__setattr__(self, "english_name", info.get("name", ""))
        if not self.own_name and info.get("name_local"):
            local = unicodedata.normalize("NFC", info["name_local"])  # Django's "vi" is not
            object.__setattr__(self, "own_name", local[:1].upper() + local[1:])
        if not (self.english_name and self.own_name):
            raise ValueError(f"{self.tag}: Django has no names for it; give them in its entry")

    @property
    def primary_subtag(self) -> str:
        return self.tag.split("-")[0].lower()
