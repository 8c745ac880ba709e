"""The read-only JSON API: the list takes the HTML list's filters, search and pagination."""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import rest_framework
from csp.decorators import csp_update
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.utils.html import conditional_escape
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.compat import pygments_css
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BrowsableAPIRenderer

from .filters import YEAR_RANGE, FilmFilter
from .models import Film, FilmTitle, Synopsis, attach_synopsis_languages
from .pagecache import conditional_page
from .pagination import PAGE_SIZE, CataloguePaginator

# Cached like the HTML pages (films/pagecache.py): keyed by URL, generation and the Accept
# header that picks JSON or the browsable API; a search is then rendered once per generation.
api_page = method_decorator(conditional_page(varies_on=("Accept",)), name="dispatch")

# Every answer but 200 the API gives, so the OpenAPI description matches the responses
# (schemathesis checks it in tests/test_api_contract.py).
_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
_NOT_FOUND = OpenApiResponse(_DETAIL, description="No such film, or a page past the last one.")
_TOO_LONG = OpenApiResponse(
    description="The URL is longer than the server reads (nginx or gunicorn, not JSON)."
)
_UNAVAILABLE = OpenApiResponse(_DETAIL, description="The database is briefly unavailable.")
_INVALID = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="A filter value is not valid: each parameter's messages.",
)
# Filters whose empty value means "any" (the HTML form sends them empty).
_EMPTY_MEANS_ANY = ("kind", "language", "ordering", "franchise")
_SEARCH_FIELDS = ("match_language", "match_snippet")


def describe_responses_as_sent(result, generator, request, public):
    """drf-spectacular postprocessing hook: what the generated description cannot know.

    ``franchise`` is null for a film outside any franchise; the search fields are present only
    in a search; an empty filter value is accepted and means "any"; years and pages have the
    bounds the filters and the paginator enforce.
    """
    schemas = result["components"]["schemas"]
    for name in ("FilmList", "FilmDetail"):
        schemas[name]["properties"]["franchise"]["nullable"] = True
    required = schemas["FilmList"]["required"]
    schemas["FilmList"]["required"] = [f for f in required if f not in _SEARCH_FIELDS]
    for parameter in result["paths"]["/api/films/"]["get"]["parameters"]:
        schema = parameter["schema"]
        if parameter["name"] in _EMPTY_MEANS_ANY and "enum" in schema:
            schema["enum"] = ["", *schema["enum"]]
        elif parameter["name"] in ("year_min", "year_max"):
            parameter["schema"] = empty_or(
                {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}
            )
        elif parameter["name"] == "page":
            parameter["schema"] = empty_or({"type": "integer", "minimum": 1})  # "": the first
    return result


def empty_or(schema: dict) -> dict:
    """A query parameter that may also be sent empty (HTML forms do), meaning "not given"."""
    return {"anyOf": [schema, {"type": "string", "enum": [""]}]}


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other URL under /api/: a JSON 404, as the description says."""
    return JsonResponse({"detail": "Not found."}, status=404)


class FilmPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    django_paginator_class = CataloguePaginator


# Present only in a search's results: the schema marks them optional (not required).
SEARCH_FIELDS = (
    "match_language",
    "match_snippet",
    "match_title",
    "match_title_language",
    "match_title_kind",
    "match_title_near",
)


class FilmListSerializer(serializers.ModelSerializer):
    franchise = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    languages = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    match_language = serializers.SerializerMethodField()
    match_snippet = serializers.SerializerMethodField(
        help_text="HTML: the matched words are in <mark>, everything else is escaped."
    )
    match_title = serializers.SerializerMethodField(
        help_text="Searching: the title the query matched, as written; null for a text match."
    )
    match_title_language = serializers.SerializerMethodField(
        help_text="Searching: the BCP 47 tag of the matched title's language."
    )
    match_title_kind = serializers.SerializerMethodField(
        help_text="Searching: 'original', 'localized' or 'alias': which kind of title matched."
    )
    match_title_near = serializers.SerializerMethodField(
        help_text="Searching: true when the title was found one typo away from the query."
    )

    class Meta:
        model = Film
        fields = [
            "slug",
            "title",
            "year",
            "kind",
            "franchise",
            "languages",
            "url",
            *SEARCH_FIELDS,
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, film) -> list[str]:
        return film.synopsis_languages

    def get_url(self, film) -> str:
        return self.context["request"].build_absolute_uri(film.get_absolute_url())

    def get_match_language(self, film) -> str | None:
        return getattr(film, "match_language", None)

    def get_match_snippet(self, film) -> str | None:
        return getattr(film, "match_snippet", None) or None

    def get_match_title(self, film) -> str | None:
        return getattr(film, "match_title", None)

    def get_match_title_language(self, film) -> str | None:
        return getattr(film, "match_title_language", None)

    @extend_schema_field(
        serializers.ChoiceField(choices=["original", "localized", "alias"], allow_null=True)
    )
    def get_match_title_kind(self, film) -> str | None:
        return getattr(film, "match_title_kind", None)

    def get_match_title_near(self, film) -> bool | None:
        return getattr(film, "match_title_near", None)

    def to_representation(self, film):
        data = super().to_representation(film)
        if not self.context.get("searching"):
            for name in SEARCH_FIELDS:
                data.pop(name)
        return data


class FilmListSchema(OpenApiSerializerExtension):
    """The OpenAPI component of a list entry: the search's fields are optional, not required."""

    target_class = FilmListSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = [
            name for name in schema.get("required", []) if name not in SEARCH_FIELDS
        ]
        return schema


class FilmTitleSerializer(serializers.ModelSerializer):
    class Meta:
        model = FilmTitle
        fields = ["title", "language", "script", "kind"]


class SynopsisSerializer(serializers.ModelSerializer):
    language_name = serializers.CharField(read_only=True)
    source = serializers.SerializerMethodField()

    class Meta:
        model = Synopsis
        fields = ["language", "language_name", "text", "source"]

    @extend_schema_field(
        {
            "type": "object",
            "description": "Where the text comes from, as an editor credited it (may be empty).",
            "properties": {
                "name": {"type": "string"},
                "url": {"type": "string", "format": "uri"},
                "licence": {"type": "string"},
            },
        }
    )
    def get_source(self, synopsis) -> dict:
        # The public attribution; the imported file and lines stay in the admin.
        return {
            "name": synopsis.source_name,
            "url": synopsis.source_url,
            "licence": synopsis.licence,
        }


class FilmDetailSerializer(serializers.ModelSerializer):
    franchise = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()
    titles = FilmTitleSerializer(many=True, read_only=True)
    synopses = SynopsisSerializer(many=True, read_only=True, source="public_synopses")

    class Meta:
        model = Film
        fields = [
            "slug",
            "title",
            "year",
            "kind",
            "original_language",
            "franchise",
            "franchise_position",
            "url",
            "titles",
            "synopses",
        ]

    def get_url(self, film) -> str:
        return self.context["request"].build_absolute_uri(film.get_absolute_url())


class FilmFilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving the FilterSet on the view (is this a search?)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        view.filterset = filterset
        return filterset


@cache
def browsable_api_style_sources() -> tuple[str, ...]:
    """CSP sources for the fixed inline styles of DRF's templates, and for nothing else.

    The browsable API writes a few style="…" attributes and one <style> element;
    'unsafe-hashes' with their hashes allows exactly those, where 'unsafe-inline' would
    allow any (docs/production.md).
    """
    folder = Path(rest_framework.__file__).parent / "templates" / "rest_framework"
    styles = {
        style
        for template in folder.rglob("*.html")
        for style in re.findall(r'style="([^"]*)"', template.read_text(encoding="utf-8"))
    }
    # And its <style> element of Pygments rules for highlighted docstrings, as rendered.
    code_style = pygments_css(BrowsableAPIRenderer.code_style)
    if code_style:
        styles.add(str(conditional_escape(code_style)))
    hashes = sorted(
        base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() for style in styles
    )
    return ("'self'", "'unsafe-hashes'", *(f"'sha256-{digest}'" for digest in hashes))


browsable_api_csp = method_decorator(
    csp_update({"style-src": list(browsable_api_style_sources())}), name="dispatch"
)


# Swagger UI inserts <style> elements of its own at run time; the docs page alone allows
# inline styles. Its scripts are files like everywhere else (docs/production.md).
@method_decorator(csp_update({"style-src": ["'self'", "'unsafe-inline'"]}), name="dispatch")
class APIDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the project's own static files (drf-spectacular-sidecar), its start-up
    script a separate file, so it runs under the site's CSP unchanged."""

    template_name = "api/docs.html"
    title = "Film catalogue API"


@browsable_api_csp
@api_page
@extend_schema(
    responses={
        200: FilmListSerializer,
        400: _INVALID,
        404: _NOT_FOUND,
        414: _TOO_LONG,
        503: _UNAVAILABLE,
    }
)
class FilmListAPIView(generics.ListAPIView):
    """Films, filtered and searched like /films/, in the same order."""

    serializer_class = FilmListSerializer
    pagination_class = FilmPagination
    filter_backends = [FilmFilterBackend]
    filterset = None
    filterset_class = FilmFilter

    def get_queryset(self):
        return Film.objects.public()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        attach_synopsis_languages(page)
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["searching"] = bool(self.filterset and self.filterset.active_query)
        return context


@browsable_api_csp
@api_page
@extend_schema(
    responses={200: FilmDetailSerializer, 404: _NOT_FOUND, 414: _TOO_LONG, 503: _UNAVAILABLE}
)
class FilmDetailAPIView(generics.RetrieveAPIView):
    """One film with its titles and published synopses (language and provenance)."""

    serializer_class = FilmDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Film.objects.for_detail_page()
