"""Template helpers: fragments rendered once per process, web fonts, language names, language
alternates of a page, page links, a synopsis as headings and paragraphs."""

import hashlib
import re
from functools import lru_cache
from html import escape
from typing import Literal

from django import template
from django.conf import settings
from django.urls import get_script_prefix, translate_url
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from films.fragments import film_list_items
from films.languages import WEB_FONTS, native_name
from films.languages.display import display_name, translated_name

register = template.Library()

# Fragments :func:`memoize` rendered, by name, interface language, script prefix and the
# values it varies on; emptied when full. Plain strings, which the collector does not track.
_MEMOIZED: dict[tuple[str, str, str, str], SafeString] = {}
_MEMOIZED_SIZE = 1024
_MEMOIZED_VALUES_LENGTH = 128


class MemoizedNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str, vary: list) -> None:
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context) -> SafeString:
        if context.template.engine.debug:  # templates edited while the server runs
            return self.nodelist.render(context)
        values = repr(tuple(str(value.resolve(context)) for value in self.vary))
        if len(values) > _MEMOIZED_VALUES_LENGTH:  # sent by a visitor: kept short in memory
            values = hashlib.sha256(values.encode()).hexdigest()
        key = (self.name, get_language() or "", get_script_prefix(), values)
        html = _MEMOIZED.get(key)
        if html is None:
            if len(_MEMOIZED) >= _MEMOIZED_SIZE:
                _MEMOIZED.clear()
            html = _MEMOIZED[key] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return html


@register.tag
def memoize(parser, token) -> MemoizedNode:
    """``{% memoize "name" value… %}…{% endmemoize %}``: the body rendered once per process
    for each interface language, script prefix and set of the values named.

    For the chrome every page repeats (links, labels, static files): its URL reversals,
    static lookups and translations were a third of an empty search page's rendering
    (docs/performance.md). The body may depend on nothing else of the context: what it
    shows of the request must be among the values. Not kept when the engine is in debug.
    """
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% memoize %} takes a quoted name, then values")
    nodelist = parser.parse(("endmemoize",))
    parser.delete_first_token()
    return MemoizedNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])


# "[1]", "[12]", "[note 3]": reference markers a copied synopsis keeps without its notes.
_FOOTNOTE_MARKER = re.compile(r"\s?\[(?:\d{1,3}|[a-z]{1,6} \d{1,3})\]")

# A heading is short, starts with a capital and does not end like a sentence:
# "Chapter One: The Weight of Time", "Epilogue: Legacy".
_MAX_HEADING_LENGTH = 70
_SENTENCE_END = re.compile(r"[.!?…,;:\"”’»)\]]\s*$")
_NOTHING = re.compile(r"^[\W_]*$")


@register.filter
def synopsis_languages(film) -> list[tuple[str, str]]:
    """Return (tag, display name) for each language the film has a published synopsis in
    (``synopsis_languages``: films/models/catalogue.py ``attach_synopsis_languages``)."""
    return [(tag, display_name(tag)) for tag in film.synopsis_languages]


register.filter("film_list_items", film_list_items)


@register.simple_tag
def web_fonts() -> tuple[str, ...]:
    """Static paths of the fonts the languages table asks every page to preload (Thai's)."""
    return WEB_FONTS


@register.filter
def language_name(tag: str) -> str:
    """Return a language's name for the visitor: "th" → "Thai — ไทย"."""
    return display_name(tag) if tag else ""


@register.simple_tag(takes_context=True)
def language_facets(context, counts) -> SafeString:
    """A list item per (code, name, count) of ``counts``: the list filtered to that language.

    Each link is what ``{% querystring language=code page=None %}`` gives (the language
    last), and the items are rendered here, not by a template loop: a query string copied
    and re-encoded per language, then five template nodes per item, were a sixth of a search
    page's rendering (docs/performance.md).
    """
    request = context["request"]
    # Every parameter but the page and the language, encoded once; each link adds its language.
    kept = urlencode(
        [
            (k, v)
            for k, values in request.GET.lists()
            if k not in {"page", "language"}
            for v in values
        ]
    )
    current = request.GET.get("language")
    interface = get_language()
    items = []
    for code, _name, count in counts:
        link = urlencode({"language": code})
        href = escape(f"?{kept}&{link}" if kept else f"?{link}")
        flag = ' aria-current="true"' if code == current else ""
        # html.escape and an f-string: format_html's checks per argument cost more than the
        # items themselves.
        items.append(f'<li><a href="{href}"{flag}>{_facet_label(code, count, interface)}</li>')
    return mark_safe("\n".join(items))


@register.simple_tag(takes_context=True)
def pagination(context, page) -> str:
    """The links of a paginated list: previous, "Page 2 of 9", next; nothing on a lone page.

    Built here, not by an included template: the include, ``{% querystring %}`` (a deep copy
    of the query per link) and ``{% blocktranslate %}`` were 0.3 ms of every list and search
    page (docs/performance.md). Each link is what ``{% querystring page=n %}`` gives: the
    query as sent, its page replaced where it stood, or added last.
    """
    if not page.has_other_pages():
        return ""
    sent = context["request"].GET

    def href(number: int) -> str:
        pairs = [
            (key, value)
            for key, values in sent.lists()
            for value in ([number] if key == "page" else values)
        ]
        if "page" not in sent:
            pairs.append(("page", number))
        return escape(f"?{urlencode(pairs)}")

    status = gettext("Page %(number)s of %(total)s") % {
        "number": localize(page.number),
        "total": localize(page.paginator.num_pages),
    }
    pages = escape(gettext("Pages"))  # marked outside the f-string, where xgettext sees it
    links = [f'<nav class="pagination" aria-label="{pages}">']
    if page.has_previous():
        label = escape(gettext("Previous"))
        links.append(f'<a rel="prev" href="{href(page.previous_page_number())}">← {label}</a>')
    links.append(f'<span class="page-status" aria-current="page">{status}</span>')
    if page.has_next():
        label = escape(gettext("Next"))
        links.append(f'<a rel="next" href="{href(page.next_page_number())}">{label} →</a>')
    return mark_safe("\n  ".join(links) + "\n</nav>")  # noqa: S308 (escaped above)


@lru_cache(maxsize=4096)
def _facet_label(tag: str, count: int, interface_language: str | None) -> str:
    # A facet's label and localized count, per interface language: the same on every page
    # of a catalogue generation, and localizing a number is most of an item's cost.
    label = _language_label(tag, interface_language) if tag else ""
    return f'{label}</a> <span class="count">{escape(str(localize(count)))}</span>'


@register.filter
def language_label(tag: str) -> SafeString:
    """Return "Thai — <span lang="th">ไทย</span>": the own name marked with its language."""
    if not tag:
        return format_html("")
    return _language_label(tag, get_language())


@lru_cache(maxsize=1024)
def _language_label(tag: str, interface_language: str | None) -> SafeString:
    # Per interface language (translated_name reads the active one): a list page labels
    # every language of every card and facet.
    translated, own = translated_name(tag), native_name(tag)
    if translated.casefold() == own.casefold():
        return format_html('<span lang="{}">{}</span>', tag, own)
    return format_html('{} — <span lang="{}">{}</span>', translated, tag, own)


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict[str, str]]:
    """The current page in every interface language: code, own name, absolute URL, current?

    Used for the language switcher and the hreflang alternates; query strings are kept.
    """
    request = context.get("request")
    if request is None or request.resolver_match is None:
        return []
    current = context.get("LANGUAGE_CODE") or settings.LANGUAGE_CODE
    path, mark, query = request.get_full_path().partition("?")
    suffix = mark + query
    alternates = [
        {
            "code": code,
            "name": own,
            "url": request.build_absolute_uri(translated + suffix),
            "current": code == current,
        }
        for (code, own), translated in zip(
            settings.LANGUAGES, _translated_paths(path, current), strict=True
        )
    ]
    prefix = f"/{current}/"
    if path.startswith(prefix):
        # x-default: the unprefixed URL, which redirects each visitor to their own language.
        alternates.append(
            {
                "code": "x-default",
                "name": "",
                "url": request.build_absolute_uri(path.replace(prefix, "/", 1) + suffix),
                "current": False,
            }
        )
    return alternates


# The alternates' markup: html.escape and f-strings, as in language_facets; format_html_join
# checked every argument of every item of every page.


@register.filter
def hreflang_links(alternates: list[dict[str, str]]) -> SafeString:
    """The ``<link rel="alternate">`` of each of :func:`language_alternates` (the page's head)."""
    return mark_safe(  # noqa: S308 - every value escaped
        "\n  ".join(
            f'<link rel="alternate" hreflang="{escape(a["code"])}" href="{escape(a["url"])}">'
            for a in alternates
        )
    )


@register.filter
def current_language_name(alternates: list[dict[str, str]]) -> SafeString:
    """The interface language's own name, marked with its language (the switcher's label)."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<span lang="{escape(a["code"])}">{escape(a["name"])}</span>'
            for a in alternates
            if a["current"]
        )
    )


@register.filter
def language_switcher_items(alternates: list[dict[str, str]]) -> SafeString:
    """A list item linking the page in each interface language (x-default has no name)."""
    items = []
    for a in alternates:
        if a["name"]:
            code, flag = escape(a["code"]), ' aria-current="true"' if a["current"] else ""
            items.append(
                f'<li><a href="{escape(a["url"])}" hreflang="{code}" lang="{code}"{flag}>'
                f"{escape(a['name'])}</a></li>"
            )
    return mark_safe("\n        ".join(items))  # noqa: S308 - every value escaped


@lru_cache(maxsize=4096)
def _translated_paths(path: str, current: str) -> tuple[str, ...]:
    # Resolving a path and reversing it in five languages was a tenth of a search page's
    # rendering; a path's translations change only with the code (the URLconf).
    with translation.override(current):
        return tuple(translate_url(path, code) for code, _own in settings.LANGUAGES)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's absolute URL with only the parameters that change what it shows, sorted."""
    request = context.get("request")
    if request is None:
        return ""
    query = sorted((k, v) for k, v in request.GET.items() if v.strip())
    return request.build_absolute_uri(request.path + (f"?{urlencode(query)}" if query else ""))


@register.filter
def without_footnote_markers(line: str) -> str:
    """Drop "[1]"-style reference markers from a synopsis line (display only, text is kept)."""
    return _FOOTNOTE_MARKER.sub("", line)


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
