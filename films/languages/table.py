r"""THE table of the catalogue's languages: everything else reads it (docs/languages.md).

Adding a language is one entry here plus its rows in tests/test_languages.py. Search
configs are PostgreSQL's (`\dF`); a language without one is searched with "simple".
``stemmer`` is the Snowball algorithm (PyStemmer) of SQLite's full-text index: by default
the config's own, which PostgreSQL stems with; named only where PostgreSQL has no config.
``detector`` is the langdetect profile the importer weighs by default: a language with a
profile but none here (Indonesian) is still detected when DJANGO_IMPORT_LANGUAGES names it.
"""

from . import thai
from .base import Language

# Endings a name takes in running text: genitives, plurals, definite forms ("Balboas", "Creeds").
# Case endings a name takes in running text in inflecting languages, accents folded as the
# matcher folds words: "Creediä" (Finnish), "Apollem" (Polish), "Rockyho" (Czech).
_FINNIC = (
    "n",
    "a",
    "ia",
    "aa",
    "ta",
    "na",
    "ksi",
    "ssa",
    "sta",
    "lla",
    "lta",
    "lle",
    "han",
    "hin",
    "in",
    "iin",
    "ineen",
    "tta",
    "ille",
    "ilta",
    "ista",
    "issa",
    "ja",
    "ni",
    "nsa",
    "i",
    "ile",
    "il",
    "ilt",
    "ist",
    "is",
    "sse",
    "ga",
    "d",
    "de",
    "le",
    "lt",
    "st",
    "s",
)
_POLISH = ("a", "u", "owi", "em", "ie", "ego", "emu", "y", "e", "o", "om", "ow", "ach", "ami", "i")
_WEST_SLAVIC = (
    "a",
    "u",
    "ovi",
    "em",
    "e",
    "y",
    "ou",
    "ho",
    "mu",
    "ym",
    "ovo",
    "ova",
    "ovu",
    "i",
    "om",
    "ov",
)
_SOUTH_SLAVIC = ("a", "u", "om", "em", "e", "i", "ov", "ev", "ovi", "ima")
_BALTIC = ("as", "o", "ui", "a", "u", "e", "is", "s", "am", "ai", "os")
_HUNGARIAN = (
    "t",
    "ot",
    "et",
    "nak",
    "nek",
    "val",
    "vel",
    "ral",
    "rel",
    "hoz",
    "hez",
    "ban",
    "ben",
    "ba",
    "be",
    "tol",
    "rol",
    "ra",
    "re",
    "nal",
    "nel",
    "on",
    "en",
    "n",
    "e",
    "ek",
    "ek",
    "nek",
)
_ROMANIAN = ("ul", "ului", "lui", "a", "ei")
_TURKISH = (
    "un",
    "in",
    "nin",
    "nun",
    "a",
    "e",
    "ya",
    "ye",
    "i",
    "yi",
    "yu",
    "da",
    "de",
    "ta",
    "te",
    "dan",
    "den",
    "tan",
    "ten",
    "la",
    "le",
    "yla",
    "yle",
    "ile",
    "u",
)
_SCANDINAVIAN_ENDINGS = ("s", "e", "en", "ens", "er", "ers", "n")

LANGUAGES: tuple[Language, ...] = (
    Language("ar", search_config="arabic", detector="ar"),
    Language("bg", detector="bg"),
    Language("bn", detector="bn"),
    Language("ca", search_config="catalan", detector="ca"),
    Language("cs", stemmer="czech", keeps_accents=True, detector="cs", case_endings=_WEST_SLAVIC),
    Language(
        "da",
        search_config="danish",
        keeps_accents=True,
        detector="da",
        close_group="scandinavian",
        name_endings=_SCANDINAVIAN_ENDINGS,
    ),
    Language(
        "de",
        search_config="german",
        keeps_accents=True,
        detector="de",
        name_endings=("s", "e", "en", "ens", "n"),
        capitalises_nouns=True,
    ),
    Language("el", search_config="greek", detector="el"),
    Language(
        "en",
        search_config="english",
        detector="en",
        articles=("the", "a", "an"),
        name_endings=("s", "es"),
    ),
    Language(
        "es",
        search_config="spanish",
        detector="es",
        articles=("el", "la", "los", "las"),
        name_endings=("s", "es"),
    ),
    Language("et", stemmer="estonian", keeps_accents=True, detector="et", case_endings=_FINNIC),
    Language("eu", search_config="basque"),
    Language("fa", stemmer="persian", detector="fa"),
    Language(
        "fi", search_config="finnish", keeps_accents=True, detector="fi", case_endings=_FINNIC
    ),
    Language("fo", english_name="Faroese", own_name="Føroyskt", keeps_accents=True),
    Language("fr", search_config="french", detector="fr", articles=("le", "la", "les", "l")),
    Language("ga", search_config="irish"),
    Language("gu", english_name="Gujarati", own_name="ગુજરાતી", detector="gu"),
    Language("he", detector="he"),
    Language("hi", search_config="hindi", detector="hi"),
    Language("hr", detector="hr", case_endings=_SOUTH_SLAVIC),
    Language(
        "hu", search_config="hungarian", keeps_accents=True, detector="hu", case_endings=_HUNGARIAN
    ),
    Language("hy", search_config="armenian"),
    Language("id", search_config="indonesian"),
    Language("is", keeps_accents=True),
    Language("it", search_config="italian", detector="it", articles=("il", "lo", "la", "l")),
    Language("ja", detector="ja"),
    Language("kn", detector="kn"),
    Language("ko", detector="ko"),
    Language("lt", search_config="lithuanian", detector="lt", case_endings=_BALTIC),
    Language("lv", detector="lv", case_endings=_BALTIC),
    Language("mk", detector="mk"),
    Language("ml", detector="ml"),
    Language("mr", detector="mr"),
    Language(
        "nb", search_config="norwegian", keeps_accents=True, name_endings=_SCANDINAVIAN_ENDINGS
    ),
    Language("ne", search_config="nepali", detector="ne"),
    Language("nl", search_config="dutch", detector="nl", name_endings=("s", "en")),
    Language(
        "nn", search_config="norwegian", keeps_accents=True, name_endings=_SCANDINAVIAN_ENDINGS
    ),
    Language(
        "no",
        search_config="norwegian",
        keeps_accents=True,
        detector="no",
        close_group="scandinavian",
        name_endings=_SCANDINAVIAN_ENDINGS,
    ),
    Language("pa", detector="pa"),
    Language("pl", stemmer="polish", keeps_accents=True, detector="pl", case_endings=_POLISH),
    Language("pt", search_config="portuguese", detector="pt"),
    Language("ro", search_config="romanian", detector="ro", case_endings=_ROMANIAN),
    Language("ru", search_config="russian", detector="ru"),
    Language("sk", keeps_accents=True, detector="sk", case_endings=_WEST_SLAVIC),
    Language("sl", detector="sl", case_endings=_SOUTH_SLAVIC),
    Language("sr", search_config="serbian", case_endings=_SOUTH_SLAVIC),
    Language(
        "sv",
        search_config="swedish",
        keeps_accents=True,
        detector="sv",
        close_group="scandinavian",
        name_endings=_SCANDINAVIAN_ENDINGS,
    ),
    Language("ta", search_config="tamil", detector="ta"),
    Language("te", detector="te"),
    Language(
        "th",
        own_name="ไทย",  # Django's "ภาษาไทย" is "the Thai language"
        segmenter=thai.SEGMENTER,
        own_script=thai.LETTER,
        web_font="fonts/NotoSansThai-Regular.ttf",
    ),
    Language(
        "tr", search_config="turkish", keeps_accents=True, detector="tr", case_endings=_TURKISH
    ),
    Language("uk", detector="uk"),
    Language("ur", detector="ur"),
    Language("vi", keeps_accents=True, detector="vi"),  # tones and ơ, ư, đ are letters
    Language("yi", english_name="Yiddish", own_name="ייִדיש", search_config="yiddish"),
    Language("zh-Hans", detector="zh-cn"),
    Language("zh-Hant", detector="zh-tw"),
    # A synopsis whose language could not be told: the review queue's.
    Language("und", english_name="Undetermined", own_name="Undetermined"),
)
