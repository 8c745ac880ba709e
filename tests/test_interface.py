"""The interface's languages, URLs and site files: what a visitor, a crawler and an editor see."""

import os
import re
import shutil
import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from films.languages.display import display_name
from films.templatetags.films_tags import without_footnote_markers
from tests.factories import FilmFactory, FilmTitleFactory, SynopsisFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGE_CODES = [code for code, name in settings.LANGUAGES]


@pytest.mark.parametrize("language", [code for code in LANGUAGE_CODES if code != "en"])
def test_every_message_is_translated_and_compiled(language):
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    assert not re.search(r'^msgstr ""\n\n', po, re.M), "an untranslated message"
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalogue = GNUTranslations(mo)._catalog
    # The committed .mo is compiled from the .po as it is (compilemessages after every edit).
    compiled = {key if isinstance(key, str) else key[0] for key in catalogue} - {""}
    assert len(compiled) == len(re.findall(r"^msgid ", po, re.M)) - 1  # less the header
    assert len(compiled) >= 200


@pytest.mark.parametrize(
    ("language", "tag", "expected"),
    [
        ("en", "th", "Thai — ไทย"),
        ("de", "th", "Thailändisch — ไทย"),
        ("th", "th", "ไทย"),
        ("da", "da", "Dansk"),
        ("da", "en", "Engelsk — English"),
        ("en", "es-419", "Spanish (Latin America) — Español"),
        ("fr", "fo", "Féroïen — Føroyskt"),
        ("en", "xx", "xx"),
    ],
)
def test_a_language_is_named_in_the_visitors_language_with_its_own_name(language, tag, expected):
    with translation.override(language):
        assert display_name(tag) == expected


@pytest.mark.parametrize(
    ("accept_language", "landing"),
    [
        ("th-TH,th;q=0.9", "/th/films/"),
        ("da", "/da/films/"),
        ("", "/en/films/"),
        ("ja", "/en/films/"),
    ],
)
def test_the_home_page_and_unprefixed_urls_lead_to_the_visitors_language(
    client, db, accept_language, landing
):
    headers = {"accept-language": accept_language}
    assert client.get("/", headers=headers).url == landing
    old_link = client.get("/films/?q=Rocky", headers=headers)
    assert old_link.status_code == 302 and old_link.url == f"{landing}?q=Rocky"
    assert "Accept-Language" in old_link["Vary"]


@pytest.mark.parametrize(
    ("language", "nav", "heading"),
    [
        ("th", ["ภาพยนตร์", "แฟรนไชส์", "ภาษา"], "ภาพยนตร์"),
        ("da", ["Film", "Filmserier", "Sprog"], "Film"),
        ("de", ["Filme", "Filmreihen", "Sprachen"], "Filme"),
        ("es", ["Películas", "Franquicias", "Idiomas"], "Películas"),
        ("fr", ["Films", "Franchises", "Langues"], "Films"),
    ],
)
def test_pages_speak_the_language_of_their_url(client, catalogue, language, nav, heading):
    response = client.get(f"/{language}/films/")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert re.findall(r'<li><a href="/[a-z]{2}/[a-z]+/"[^>]*>([^<]+)</a></li>', html) == nav
    assert re.search(rf'<h1 id="results-heading">{heading}</h1>', html)
    assert response["Content-Language"] == language


def test_hreflang_alternates_canonical_and_the_switcher_keep_the_page(client, catalogue):
    html = client.get("/da/films/?language=th&franchise=").content.decode()
    for code in LANGUAGE_CODES:
        url = f"http://testserver/{code}/films/?language=th&amp;franchise="
        assert f'<link rel="alternate" hreflang="{code}" href="{url}">' in html
        assert f'hreflang="{code}" lang="{code}"' in html  # the switcher's link
    assert 'hreflang="x-default" href="http://testserver/films/?language=th' in html
    # The canonical URL leaves out the empty parameter.
    assert '<link rel="canonical" href="http://testserver/da/films/?language=th">' in html
    # Another page, then the same path with another query: each keeps its own.
    html = client.get("/th/films/rocky-iv/").content.decode()
    url = "http://testserver/en/films/rocky-iv/"
    assert f'<link rel="alternate" hreflang="en" href="{url}">' in html
    html = client.get("/da/films/?q=r%C3%B8d%20%26%20bl%C3%A5").content.decode()
    url = "http://testserver/es/films/?q=r%C3%B8d%20%26%20bl%C3%A5"
    assert f'<link rel="alternate" hreflang="es" href="{url}">' in html


def test_film_page_open_graph_attribution_aliases_and_footnote_markers(client, db):
    film = FilmFactory(title="Creed", slug="creed", year=2015)
    FilmTitleFactory(film=film, title="Creed: La leyenda de Rocky", language="es-419")
    FilmTitleFactory(film=film, title="Rocky 7", language="en", kind="alias")
    SynopsisFactory(
        film=film,
        language="es",
        text="Adonis entrena con Rocky[1] en Filadelfia.[2]",
        source_file="/srv/imports/secret/path.txt",
        source_name="Wikipedia",
        source_url="https://es.wikipedia.org/wiki/Creed",
        licence="CC BY-SA 4.0",
    )
    html = client.get("/en/films/creed/").content.decode()
    assert '<meta property="og:title" content="Creed (2015)">' in html
    assert '<meta property="og:url" content="http://testserver/en/films/creed/">' in html
    assert "Adonis entrena con Rocky en Filadelfia." in html and "[1]" not in html
    assert (
        '<a href="https://es.wikipedia.org/wiki/Creed" rel="nofollow noopener">Wikipedia</a>'
        in html
    )
    assert "Licence: CC BY-SA 4.0" in html
    assert "/srv/imports" not in html and "lines" not in html
    assert "Spanish (Latin America) — Español" in html
    assert "Rocky 7" not in html  # an alias helps search; it is not a title


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("Rocky[1] pelea.[23]", "Rocky pelea."),
        ("a [nota 2] b", "a b"),
        ("[abc] [1999a]", "[abc] [1999a]"),
    ],
)
def test_footnote_markers_are_dropped_on_display(line, shown):
    assert without_footnote_markers(line) == shown


def test_films_without_a_synopsis_say_so(client, catalogue):
    html = client.get(reverse("films:film-list"), {"franchise": "rocky"}).content.decode()
    card = html.split("Rocky II</a>", 1)[1].split("</li>", 1)[0]
    assert "No synopsis yet." in card


@pytest.mark.parametrize(
    ("query", "heading", "clear_link"),
    [
        ({}, "Films", False),
        ({"q": "Rocky"}, "Films matching “Rocky”", False),
        (
            {"language": "th", "year_min": "2000", "year_max": "2010"},
            "Films: Thai — ไทย · 2000–2010",
            True,
        ),
        ({"franchise": "rocky", "kind": "unofficial"}, "Films: Rocky · Unofficial work", True),
        ({"year_max": "1980"}, "Films: until 1980", True),
        ({"ordering": "year"}, "Films", True),
    ],
)
def test_the_heading_says_what_is_filtered(client, catalogue, query, heading, clear_link):
    html = client.get(reverse("films:film-list"), query).content.decode()
    h1 = re.search(r'<h1 id="results-heading">(.*?)</h1>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", h1) == heading
    assert ("Clear the filters" in html) == clear_link


def test_the_header_search_keeps_the_filters_and_the_form_keeps_the_search(client, catalogue):
    html = client.get(reverse("films:film-list"), {"q": "Rocky", "language": "da", "kind": ""})
    html = html.content.decode()
    header = html.split('<form class="header-search"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="language" value="da">' in header
    assert 'name="kind"' not in header
    filters = html.split('<form class="filters"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="q" value="Rocky">' in filters
    assert html.count('type="search"') == 1  # one search box


def test_no_remove_the_filters_link_when_none_is_set(client, catalogue):
    html = client.get(reverse("films:film-list"), {"q": "nothing-matches-this"}).content.decode()
    assert "No film matches." in html and "Remove the filters" not in html
    html = client.get(reverse("films:film-list"), {"q": "zzz", "language": "th"}).content.decode()
    assert "Remove the filters" in html


def test_sitemap_lists_every_page_in_every_language_with_alternates(client, catalogue):
    response = client.get("/sitemap.xml")
    xml = response.content.decode()
    assert response.status_code == 200
    for code in LANGUAGE_CODES:
        assert f"<loc>http://testserver/{code}/films/rocky-iv/</loc>" in xml
        assert f'hreflang="{code}" href="http://testserver/{code}/films/rocky-iv/"' in xml
    assert 'hreflang="x-default" href="http://testserver/films/rocky-iv/"' in xml
    assert "<loc>http://testserver/da/franchises/rocky/</loc>" in xml


def test_robots_txt_and_favicon(client, db):
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 302 and favicon.url.endswith("favicon.svg")
    assert client.get(favicon.url).status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_api_docs_are_served_from_the_project(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in html and "//cdn" not in html and "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_the_admin_speaks_the_editors_language(client, db):
    html = client.get("/admin/login/", headers={"accept-language": "th"}).content.decode()
    assert '<html lang="th"' in html and "ชื่อผู้ใช้" in html  # Django's own Thai admin
    with translation.override("da"):
        from films.models import Synopsis

        assert str(Synopsis._meta.get_field("source_name").verbose_name) == "kildens navn"


def test_language_pages_are_cached_per_language(client, catalogue):
    danish = client.get("/da/languages/")
    thai = client.get("/th/languages/")
    assert danish["ETag"] != thai["ETag"]
    assert "Sprog" in client.get("/da/languages/").content.decode()
    assert (
        client.get("/da/languages/", headers={"if-none-match": danish["ETag"]}).status_code == 304
    )


MSGID = re.compile(r'^(?:msgctxt "[^"]*"\n)?msgid ((?:".*"\n)+)', re.M)


def msgids(po: str) -> set[str]:
    """The messages of a .po file, whatever its line wrapping."""
    return {"".join(re.findall(r'"(.*)"', block)) for block in MSGID.findall(po)}


@pytest.mark.slow
def test_the_catalogues_hold_every_string_marked_for_translation(tmp_path):
    # makemessages (GNU gettext's xgettext) over a copy of the code and the English catalogue:
    # a string marked since the catalogues were last updated shows up as new.
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but GNU gettext is missing (apt-get install gettext)")
        pytest.skip("needs GNU gettext (apt-get install gettext)")
    base = Path(settings.BASE_DIR)
    for folder in ("catalogue", "films", "benchmark", "templates", "locale/en"):
        shutil.copytree(base / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(base / "manage.py", tmp_path)
    command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location"]
    command += ["--ignore=benchmark", "--verbosity=0"]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "catalogue.settings"}
    environment.pop("DATABASE_URL", None)
    subprocess.run(command, cwd=tmp_path, env=environment, check=True, timeout=120)
    committed = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    updated = (tmp_path / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    new = msgids(updated) - msgids(committed)
    assert not new, f"run makemessages and translate: {sorted(new)}"
    unused = msgids(committed) - msgids(updated)
    assert not unused, f"strings no longer used: run makemessages {sorted(unused)}"


def test_a_cached_page_keeps_the_host_it_was_rendered_for(client, catalogue, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    first = client.get("/en/languages/", headers={"host": "one.example"})
    second = client.get("/en/languages/", headers={"host": "two.example"})
    assert first["ETag"] != second["ETag"]
    assert 'href="http://two.example/en/languages/"' in second.content.decode()
