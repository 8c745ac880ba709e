"""The read-only JSON API: the list takes the HTML list's filters, search and pagination."""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination

from .filters import YEAR_RANGE, FilmFilter
from .models import Film, FilmTitle, Synopsis
from .pagecache import conditional_page
from .pagination import PAGE_SIZE

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


class FilmListSerializer(serializers.ModelSerializer):
    franchise = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    languages = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    match_language = serializers.SerializerMethodField()
    match_snippet = serializers.SerializerMethodField(
        help_text="HTML: the matched words are in <mark>, everything else is escaped."
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
            "match_language",
            "match_snippet",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, film) -> list[str]:
        return sorted({synopsis.language for synopsis in film.listed_synopses})

    def get_url(self, film) -> str:
        return self.context["request"].build_absolute_uri(film.get_absolute_url())

    def get_match_language(self, film) -> str | None:
        return getattr(film, "match_language", None)

    def get_match_snippet(self, film) -> str | None:
        return getattr(film, "match_snippet", None) or None

    def to_representation(self, film):
        data = super().to_representation(film)
        if not self.context.get("searching"):
            data.pop("match_language")
            data.pop("match_snippet")
        return data


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
            "properties": {
                "file": {"type": "string"},
                "first_line": {"type": "integer"},
                "last_line": {"type": "integer"},
            },
        }
    )
    def get_source(self, synopsis) -> dict:
        return {
            "file": synopsis.source_file,
            "first_line": synopsis.source_first_line,
            "last_line": synopsis.source_last_line,
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

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["searching"] = bool(self.filterset and self.filterset.active_query)
        return context


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
