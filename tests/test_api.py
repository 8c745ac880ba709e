import pytest
from django.urls import reverse

from .factories import make_search_examples
from .listing import listed_films
from .test_views import make_films

API = reverse("api:film-list")
LIST = reverse("films:film-list")


def test_api_list_shape(client, catalogue):
    data = client.get(API).json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 8
    first = data["results"][0]
    assert set(first) == {"slug", "title", "year", "kind", "franchise", "languages", "url"}
    rocky = next(film for film in data["results"] if film["slug"] == "rocky-balboa")
    assert rocky["languages"] == ["es", "th"]
    assert rocky["franchise"] == "rocky"
    assert rocky["url"] == "http://testserver/en/films/rocky-balboa/"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Rocky 4"},
        {"q": "rocky"},
        {"q": "ร็อคกี้"},
        {"language": "da"},
        {"kind": "unofficial"},
        {"franchise": "rocky", "ordering": "franchise"},
        {"year_min": "1980", "year_max": "1990", "ordering": "-year"},
        {"q": "Philadelphia", "language": "en"},
    ],
)
def test_api_list_matches_the_html_list(client, catalogue, params):
    html_slugs = [film.slug for film in listed_films(client.get(LIST, params))]
    api_slugs = [film["slug"] for film in client.get(API, params).json()["results"]]
    assert api_slugs == html_slugs


def test_api_search_names_the_matched_language_and_snippet(client, catalogue):
    results = client.get(API, {"q": "decision dividida"}).json()["results"]
    assert results[0]["slug"] == "rocky-balboa"
    assert results[0]["match_language"] == "es"
    assert "<mark>" in results[0]["match_snippet"]
    assert results[0]["match_title"] is None
    title_only = client.get(API, {"q": "Rocky 4"}).json()["results"][0]
    assert title_only["match_language"] is None
    assert (title_only["match_title"], title_only["match_title_kind"]) == ("Rocky IV", "original")


def test_api_search_names_the_matched_title(client, catalogue):
    make_search_examples(catalogue)
    [creed] = client.get(API, {"q": "La leyenda"}).json()["results"]
    assert creed["match_title"] == "Creed: La leyenda de Rocky"
    assert (creed["match_title_language"], creed["match_title_kind"]) == ("es", "localized")
    assert creed["match_title_near"] is False
    near = client.get(API, {"q": "Creeed"}).json()["results"][0]
    assert (near["slug"], near["match_title"], near["match_title_near"]) == ("creed", "Creed", True)


def test_api_pagination_keeps_filters(client, db):
    make_films(30)
    data = client.get(API, {"language": "en", "q": "boxer"}).json()
    assert data["count"] == 30 and len(data["results"]) == 12
    assert "language=en" in data["next"] and "q=boxer" in data["next"] and "page=2" in data["next"]
    assert client.get(data["next"]).status_code == 200


def test_api_detail(client, catalogue):
    data = client.get(reverse("api:film-detail", kwargs={"slug": "rocky-iv"})).json()
    assert data["franchise"] == "rocky" and data["franchise_position"] == 4
    assert {"title": "ร็อคกี้ 4", "language": "th", "script": "Thai", "kind": "localized"} in data[
        "titles"
    ]
    synopsis = data["synopses"][0]
    assert synopsis["language"] == "da" and synopsis["language_name"] == "Dansk"
    # The public attribution an editor sets, never the imported file's path.
    assert synopsis["source"] == {"name": "", "url": "", "licence": ""}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "abc"}, 404),
        ({"page": "99"}, 404),
        ({"language": "xx"}, 400),
        ({"year_min": "abc"}, 400),
        ({"franchise": "nope"}, 400),
        ({"q": "x" * 100_000}, 200),
        ({"q": "Rocky\x00 4"}, 200),
    ],
)
def test_api_bad_parameters(client, catalogue, params, status):
    assert client.get(API, params).status_code == status


def test_api_unknown_film_is_404(client, db):
    assert client.get(reverse("api:film-detail", kwargs={"slug": "nope"})).status_code == 404


def test_openapi_schema(client, db):
    response = client.get(reverse("api:schema"), headers={"accept": "application/json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/films/" in paths and "/api/films/{slug}/" in paths
    parameters = {p["name"] for p in paths["/api/films/"]["get"]["parameters"]}
    assert {"q", "language", "franchise", "year_min", "year_max", "kind", "ordering"} <= parameters
    # The search's fields are documented, nullable, and optional: absent unless searching.
    entry = response.json()["components"]["schemas"]["FilmList"]
    search_fields = {"match_language", "match_snippet", "match_title", "match_title_language"}
    search_fields |= {"match_title_kind", "match_title_near"}
    assert search_fields <= set(entry["properties"])
    assert all(entry["properties"][name]["nullable"] for name in search_fields)
    assert not search_fields & set(entry["required"])
    assert {"slug", "title", "url"} <= set(entry["required"])


API_PAGES = [
    ("api list", API),
    ("api search", API + "?q=boxer&language=en"),
    ("api detail", "/api/films/big-2/"),
]


@pytest.mark.parametrize(("name", "url"), API_PAGES, ids=[name for name, _ in API_PAGES])
def test_each_api_page_costs_a_fixed_number_of_queries(
    client, db, count_queries, name, url, django_assert_max_num_queries
):
    make_films(3)
    _, small = count_queries(client, url, accept="application/json")
    make_films(27)
    # The catalogue generation, and a search ranks its capped candidates in three queries
    # (text, titles, localized titles); the language totals once per generation; a search
    # no title matches reads the title words once per generation (and the generation).
    with django_assert_max_num_queries(10):
        response, large = count_queries(client, url, accept="application/json")
    assert response.status_code == 200
    assert small == large, f"{name}: {small} queries for 3 films, {large} for 30"
    print(f"{name}: {large} queries")


def test_the_schema_describes_what_the_api_answers(client, db):
    schema = client.get(reverse("api:schema"), headers={"accept": "application/json"}).json()
    films = schema["paths"]["/api/films/"]["get"]
    assert {"200", "400", "404", "414", "503"} <= films["responses"].keys()
    assert {"200", "404", "414"} <= schema["paths"]["/api/films/{slug}/"]["get"]["responses"].keys()
    film_list = schema["components"]["schemas"]["FilmList"]
    assert film_list["properties"]["franchise"]["nullable"] is True
    assert "match_snippet" not in film_list["required"] and "slug" in film_list["required"]
    parameters = {p["name"]: p["schema"] for p in films["parameters"]}
    assert parameters["kind"]["enum"][0] == ""
    year, empty = parameters["year_min"]["anyOf"]
    assert (year["minimum"], year["maximum"], empty["enum"]) == (1870, 2100, [""])


@pytest.mark.parametrize("url", ["/api/films/not a slug/", "/api/nothing/", "/api/films/x/y/"])
def test_unknown_api_urls_are_json_404s(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_an_empty_kind_means_any_kind(client, catalogue):
    assert client.get(API, {"kind": ""}).json()["count"] == client.get(API).json()["count"]
