"""``{% memoize %}`` (films/templatetags/films_tags.py): the chrome rendered once per process for
each interface language, script prefix and the values it names."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import set_script_prefix
from django.utils import translation

from films.templatetags import films_tags


class Counter:
    """A value that counts how often the template reads it."""

    def __init__(self) -> None:
        self.reads = 0

    def __str__(self) -> str:
        self.reads += 1
        return f"read {self.reads}"


def engine(*, debug: bool = False) -> Engine:
    return Engine(
        debug=debug,
        libraries={
            "films_tags": "films.templatetags.films_tags",
            "i18n": "django.templatetags.i18n",
        },
    )


SOURCE = (
    '{% load i18n films_tags %}{% memoize "test-fragment" kind %}'
    '{% translate "Films" %} {{ counter }} {{ kind }}{% endmemoize %}'
)


@pytest.fixture(autouse=True)
def empty_memo():
    films_tags._MEMOIZED.clear()
    yield
    films_tags._MEMOIZED.clear()
    set_script_prefix("/")


def test_the_body_is_rendered_once_per_language_and_value():
    template = engine().from_string(SOURCE)
    counter = Counter()

    def render(language: str, kind: str) -> str:
        with translation.override(language):
            return template.render(Context({"counter": counter, "kind": kind}))

    assert render("en", "a") == "Films read 1 a"
    assert render("en", "a") == "Films read 1 a"  # not rendered again
    assert render("da", "a") == "Film read 2 a"  # another language
    assert render("en", "b") == "Films read 3 b"  # another value
    assert counter.reads == 3


def test_another_script_prefix_is_another_fragment():
    template = engine().from_string(SOURCE)
    counter = Counter()
    with translation.override("en"):
        template.render(Context({"counter": counter, "kind": "a"}))
        set_script_prefix("/catalogue/")
        template.render(Context({"counter": counter, "kind": "a"}))
    assert counter.reads == 2


def test_nothing_is_kept_in_debug():
    template = engine(debug=True).from_string(SOURCE)
    counter = Counter()
    with translation.override("en"):
        for _ in range(3):
            template.render(Context({"counter": counter, "kind": "a"}))
    assert counter.reads == 3
    assert not films_tags._MEMOIZED


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(films_tags, "_MEMOIZED_SIZE", 4)
    template = engine().from_string(SOURCE)
    with translation.override("en"):
        for kind in "abcdefghij":
            template.render(Context({"counter": Counter(), "kind": kind}))
    assert 0 < len(films_tags._MEMOIZED) <= 4


@pytest.mark.parametrize("tag", ["{% memoize %}", "{% memoize name %}", "{% memoize \"name' %}"])
def test_a_fragment_needs_a_quoted_name(tag):
    with pytest.raises(TemplateSyntaxError):
        engine().from_string("{% load films_tags %}" + tag + "x{% endmemoize %}")
