"""Template helpers: web fonts, language tags of a film, a synopsis as headings and paragraphs."""

import re
from typing import Literal

from django import template

from films.languages import WEB_FONTS, native_name

register = template.Library()

# A heading is short, starts with a capital and does not end like a sentence:
# "Chapter One: The Weight of Time", "Epilogue: Legacy".
_MAX_HEADING_LENGTH = 70
_SENTENCE_END = re.compile(r"[.!?…,;:\"”’»)\]]\s*$")
_NOTHING = re.compile(r"^[\W_]*$")


@register.filter
def synopsis_languages(film) -> list[tuple[str, str]]:
    """Return (tag, native name) for each language the film has a published synopsis in."""
    synopses = getattr(film, "listed_synopses", None)
    if synopses is None:
        synopses = getattr(film, "public_synopses", [])
    return [(tag, native_name(tag)) for tag in sorted({s.language for s in synopses})]


@register.simple_tag
def web_fonts() -> tuple[str, ...]:
    """Static paths of the fonts the languages table asks every page to preload (Thai's)."""
    return WEB_FONTS


@register.filter
def language_name(tag: str) -> str:
    """Return a language's own name: "th" → "ไทย"."""
    return native_name(tag) if tag else ""


def is_heading(line: str) -> bool:
    words = line.split()
    return (
        len(line) <= _MAX_HEADING_LENGTH
        and 2 <= len(words) <= 12
        and line[0].isupper()
        and not _SENTENCE_END.search(line)
    )


@register.filter
def synopsis_blocks(text: str) -> list[tuple[Literal["heading", "paragraph"], str]]:
    """Split a synopsis into headings and paragraphs, one per non-empty line."""
    blocks: list[tuple[Literal["heading", "paragraph"], str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if _NOTHING.match(line):
            continue  # blank lines and lone "." separators
        blocks.append(("heading" if is_heading(line) else "paragraph", line))
    return blocks
