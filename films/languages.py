"""Languages of the catalogue: BCP 47 tags, their own names, and their text direction.

Names come from Django's own table (``django.conf.locale.LANG_INFO``), so every
language Django knows has its native name without a hand-kept list.
"""

from django.conf.locale import LANG_INFO

UNDETERMINED = "und"

# langdetect speaks ISO 639-1 plus two region codes; BCP 47 prefers scripts for Chinese.
_DETECTOR_TO_BCP47 = {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant"}
# Names a language gives itself in a catalogue's language menu, where Django's differs.
_NATIVE_NAME_OVERRIDES = {"th": "ไทย", UNDETERMINED: "Undetermined"}


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


def _info(tag: str) -> dict | None:
    lowered = tag.lower()
    return LANG_INFO.get(lowered) or LANG_INFO.get(lowered.split("-")[0])


def native_name(tag: str) -> str:
    """Return the language's name in that language, capitalised: "da" → "Dansk"."""
    if tag in _NATIVE_NAME_OVERRIDES:
        return _NATIVE_NAME_OVERRIDES[tag]
    info = _info(tag)
    if info is None:
        return tag
    name = info["name_local"]
    return name[:1].upper() + name[1:]


def english_name(tag: str) -> str:
    """Return the language's English name: "da" → "Danish"."""
    if tag == UNDETERMINED:
        return "Undetermined"
    info = _info(tag)
    return info["name"] if info else tag


def is_rtl(tag: str) -> bool:
    info = _info(tag)
    return bool(info and info.get("bidi"))


def preferred_order(accept_language: str, tags: list[str]) -> list[str]:
    """Return ``tags`` ordered by an ``Accept-Language`` header (q-values respected), then the rest.

    A preference for "da" takes "da-DK" too; a preference for "da-DK" takes plain "da" after it.
    Ties keep the order of ``tags``.
    """
    from django.utils.translation.trans_real import parse_accept_lang_header

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
