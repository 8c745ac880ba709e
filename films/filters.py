"""The film list's filters, shared by the HTML list and the JSON API."""

import copy
from html import escape

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields

from .caching import franchise_choices, franchise_name, language_counts
from .languages.display import display_name
from .models import Film, FilmKind, Franchise
from .search.analysis import MAX_QUERY_LENGTH, clean_query
from .search.queries import search_films

# Every request builds a FilterSet and its form, and both deep-copy their class's filters and
# fields: 0.5 ms of every list and search page went to copying what no request changes
# (docs/performance.md). The filters and choice fields below copy what a request may set and
# share the rest: choices are immutable pairs, replaced, never changed in place.


class CopiedPerRequest:
    """A filter whose per-FilterSet copy shares its immutable parts with the class's filter.

    Its own: ``extra`` (``FilmFilter.__init__`` sets the language choices there), the field
    built from it, and the ``method`` binding, which must call the copy's FilterSet.
    """

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        memo[id(self)] = copied
        copied.extra = dict(self.extra)
        copied.__dict__.pop("_field", None)
        if self.method is not None:
            copied.method = self.method  # a FilterMethod bound to the copy (django-filter)
        return copied


class ChoiceField(filter_fields.ChoiceField):
    """django-filter's choice field, copied per form without a deep copy of every choice."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)  # the widget, messages and validators
        result.choices = self._choices.choices  # the same pairs, wrapped for the copy
        return result


class ChoiceFilter(CopiedPerRequest, django_filters.ChoiceFilter):
    field_class = ChoiceField


class ModelChoiceFilter(CopiedPerRequest, django_filters.ModelChoiceFilter):
    pass


class SearchField(forms.CharField):
    """A search box that never rejects input: NUL bytes dropped, length capped."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SearchFilter(CopiedPerRequest, django_filters.CharFilter):
    field_class = SearchField


class PlainSelect(forms.Select):
    """A ``<select>`` built in Python, with the same markup as Django's template-rendered one.

    Django renders a select and each of its options through templates: the four selects of
    the filter form were most of a search page's rendering (docs/performance.md). Options
    are (value, label) pairs; optgroups are not supported (no filter uses them).
    """

    def menu(self, selected: str) -> list[tuple[str, str]]:
        """The (value, label) options for ``selected``; the empty choice included."""
        return [("" if value is None else str(value), str(label)) for value, label in self.choices]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        selected = "" if value is None else str(value)
        # html.escape (what django.utils.html.escape calls) on plain strings: format_html's
        # lazy-string checks per option cost more than the options themselves.
        body = "".join(
            f'<option value="{escape(option)}"{" selected" if option == selected else ""}>'
            f"{escape(label)}</option>"
            for option, label in self.menu(selected)
        )
        return mark_safe(f"<select{flatatt(attrs)}>{body}</select>")


class FranchiseSelect(PlainSelect):
    """The franchise menu: the cached list of the largest franchises, not every franchise.

    At 1,250 franchises the query behind the choices and the options were most of the list
    page's time. The menu holds at most ``FRANCHISE_MENU_SIZE`` (films/caching.py); a
    franchise chosen by URL is added to it.
    """

    def menu(self, selected: str) -> list[tuple[str, str]]:
        menu = franchise_choices()
        if selected and selected not in {slug for slug, label in menu}:
            # A franchise outside the menu (its page links here): shown, and kept selected.
            name = franchise_name(selected)
            menu = [*menu, (selected, name)] if name else menu
        return [("", str(_("Any franchise"))), *menu]


# The years a film of the catalogue can have (the API's description says so too).
YEAR_RANGE = (1870, 2100)


class YearRangeField(filter_fields.RangeField):
    """``year_min``/``year_max`` as whole years within the catalogue's plausible range."""

    def __init__(self, *args, **kwargs) -> None:
        fields = tuple(
            forms.IntegerField(min_value=YEAR_RANGE[0], max_value=YEAR_RANGE[1]) for _ in range(2)
        )
        super().__init__(fields, *args, **kwargs)


class YearRangeFilter(CopiedPerRequest, django_filters.RangeFilter):
    field_class = YearRangeField


class FilmFilter(django_filters.FilterSet):
    # The parameters that narrow or order the list (not the search, not the page): kept by
    # the header search, summed up in the heading.
    KEPT_PARAMETERS = ("language", "franchise", "year_min", "year_max", "kind", "ordering")
    ORDERINGS = {
        "title": ("title_key", "year", "pk"),
        "year": ("year", "title_key", "pk"),
        "-year": ("-year", "title_key", "pk"),
        "franchise": None,  # FilmQuerySet.in_story_order()
    }

    language = ChoiceFilter(
        label=_("Language"),
        method="filter_language",
        empty_label=_("Any language"),
        widget=PlainSelect,
    )
    franchise = ModelChoiceFilter(
        label=_("Franchise"),
        queryset=Franchise.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Any franchise"),
        widget=FranchiseSelect,
    )
    year = YearRangeFilter(label=_("Year"))
    kind = ChoiceFilter(
        label=_("Kind"), choices=FilmKind.choices, empty_label=_("Any kind"), widget=PlainSelect
    )
    q = SearchFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_QUERY_LENGTH * 1000,  # cut by SearchField, not refused
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    ordering = ChoiceFilter(
        label=_("Order by"),
        method="filter_ordering",
        choices=[
            ("title", _("Title")),
            ("year", _("Year, oldest first")),
            ("-year", _("Year, newest first")),
            ("franchise", _("Franchise order")),
        ],
        empty_label=_("Relevance / title"),
        widget=PlainSelect,
    )

    class Meta:
        model = Film
        fields = ["language", "franchise", "year", "kind", "q", "ordering"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Films per language, for the choices and the counts beside them: one query.
        self.language_counts = [
            (language, display_name(language), films) for language, films in language_counts()
        ]
        self.filters["language"].extra["choices"] = [
            (code, f"{name} · {count}") for code, name, count in self.language_counts
        ]

    # Form classes by FilterSet class, interface language and language menu, a few at a time:
    # django-filter builds a class, and a field per filter, for every request
    # (docs/performance.md).
    _form_classes: dict[tuple, type] = {}

    def get_form_class(self):
        key = (type(self), get_language(), tuple(self.filters["language"].extra["choices"]))
        form_class = self._form_classes.get(key)
        if form_class is None:
            if len(self._form_classes) >= 16:
                self._form_classes.clear()
            form_class = self._form_classes[key] = super().get_form_class()
        return form_class

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            films = super().qs
            # Without an explicit ordering or a search, the list is alphabetical.
            data = self.form.cleaned_data if self.form.is_valid() else {}
            if data.get("q"):
                # Searched last, over the filtered films: a ranked list, not a filter.
                results = search_films(films, data["q"], language=data.get("language") or None)
                if data.get("ordering") and results is not films:
                    results = results.in_order_of(films)
                films = results
            elif not data.get("ordering"):
                films = films.order_by(*self.ORDERINGS["title"])
            self._qs = films
        return self._qs

    def filter_language(self, queryset, name: str, value: str):
        return queryset.with_language(value)

    def filter_search(self, queryset, name: str, value: str):
        return queryset  # ranked in ``qs``, once every other filter has narrowed the films

    def filter_ordering(self, queryset, name: str, value: str):
        if value == "franchise":
            return queryset.in_story_order()
        return queryset.order_by(*self.ORDERINGS[value])

    @property
    def active_query(self) -> str:
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("q") or ""
        return ""

    @property
    def kept_filters(self) -> list[tuple[str, str]]:
        """The narrowing parameters the visitor set, as sent: (name, value), none empty."""
        data = self.data if self.is_bound else {}
        return [
            (name, str(data.get(name)).strip()[:200])
            for name in self.KEPT_PARAMETERS
            if str(data.get(name) or "").strip()
        ]

    @property
    def summary(self) -> list[str]:
        """What narrows the list, in words for the heading: "Thai — ไทย", "1980–1990"."""
        if not (self.is_bound and self.form.is_valid()):
            return []
        data = self.form.cleaned_data
        parts = []
        if data.get("language"):
            parts.append(display_name(data["language"]))
        if data.get("franchise"):
            parts.append(data["franchise"].name)
        years = data.get("year")
        low, high = (years.start, years.stop) if years else (None, None)
        if low is not None and high is not None:
            parts.append(f"{low}–{high}")
        elif low is not None:
            parts.append(pgettext("years", "from %(year)s") % {"year": low})
        elif high is not None:
            parts.append(pgettext("years", "until %(year)s") % {"year": high})
        if data.get("kind"):
            parts.append(str(FilmKind(data["kind"]).label))
        return parts
