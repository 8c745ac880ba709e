"""A language's name for the visitor: in the interface language, its own name beside it.

"th" reads "Thai — ไทย" to an English visitor, "Thailändisch — ไทย" to a German one and
"ไทย" to a Thai one. The translated names are Django's (its catalogues translate every
``LANG_INFO`` name); the few it lacks are in the project's catalogue (docs/interface.md).
"""

from functools import lru_cache

from django.utils.translation import get_language, gettext, gettext_noop

from . import english_name, native_name

# English names of table languages Django's LANG_INFO lacks, for makemessages to collect.
NAMES_DJANGO_LACKS = (gettext_noop("Faroese"), gettext_noop("Gujarati"), gettext_noop("Yiddish"))
# Regions of the catalogue's regional title tags ("es-419", "fr-CA", "pt-BR"); another
# region shows its code.
REGIONS = {
    "419": gettext_noop("Latin America"),
    "BR": gettext_noop("Brazil"),
    "CA": gettext_noop("Canada"),
}


def translated_name(tag: str) -> str:
    """Return the language's name in the active interface language: "da" → "Danish"."""
    name = gettext(english_name(tag))
    name = name[:1].upper() + name[1:]
    region = next((part for part in tag.split("-")[1:] if part.isdigit() or len(part) == 2), "")
    if region and english_name(tag) == english_name(tag.split("-")[0]):
        # A regional tag whose name does not say the region ("es-419" is named "Spanish").
        region = region.upper()
        name = f"{name} ({gettext(REGIONS[region]) if region in REGIONS else region})"
    return name


def display_name(tag: str) -> str:
    """Return "Thai — ไทย": the name in the interface language, then the language's own."""
    return _display_name(tag, get_language())


@lru_cache(maxsize=1024)
def _display_name(tag: str, interface_language: str | None) -> str:
    # Per interface language (translated_name reads the active one): a search page names
    # every language of its filter menu and of each snippet.
    translated, own = translated_name(tag), native_name(tag)
    if translated.casefold() == own.casefold():
        return own
    return f"{translated} — {own}"
