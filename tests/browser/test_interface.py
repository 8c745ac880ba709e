"""The interface in a real browser: Thai and Danish, the phone layout, the filters' URLs,
the API documentation under the CSP, and axe-core on every public page at two widths."""

import json
import re
from pathlib import Path

import pytest

from .chromium import ARTIFACTS

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "assets" / "axe.min.js"  # axe-core 4.14.1, MPL-2.0 (beside it)
WIDTHS = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# Every public HTML page of the site, in English and in Thai (another script, its own font).
PUBLIC_PAGES = [
    "/en/films/",
    "/en/films/?q=Rocky",
    "/en/films/?language=th&year_min=2000",
    "/en/films/?q=nothing-matches-this",
    "/en/films/rocky-iv/",
    "/en/films/rocky-balboa/",
    "/en/films/rocky-ii/",
    "/en/franchises/",
    "/en/franchises/rocky/",
    "/en/languages/",
    "/en/films/no-such-film/",
    "/th/films/",
    "/th/films/rocky-balboa/",
    "/da/languages/",
]
COLLECT_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


def open_page(browser, viewport: str, locale: str = "en-GB"):
    context = browser.new_context(viewport=WIDTHS[viewport], locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def texts(page, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


@pytest.mark.parametrize("viewport", ["wide", "phone"])
def test_thai_visitor_gets_thai_and_switches_to_danish_on_the_same_page(browser, site, viewport):
    context, page = open_page(browser, viewport, locale="th-TH")
    page.goto(f"{site}/films/?language=th")
    # Accept-Language chose Thai: the URL says so, and so does everything around the results.
    page.wait_for_url(re.compile(r"/th/films/\?language=th$"))
    assert page.locator("html").get_attribute("lang") == "th"
    assert texts(page, ".nav a") == ["ภาพยนตร์", "แฟรนไชส์", "ภาษา"]
    assert page.locator("h1").inner_text() == "ภาพยนตร์: ไทย"
    assert page.locator(".filter-disclosure > summary").inner_text().startswith("ตัวกรอง")
    page.screenshot(path=str(ARTIFACTS / f"interface-th-{viewport}.png"), full_page=True)

    # The switcher keeps the page and its filter.
    page.locator(".language-switcher > summary").click()
    page.get_by_role("link", name="Dansk", exact=True).click()
    page.wait_for_url(re.compile(r"/da/films/\?language=th$"))
    assert page.locator("html").get_attribute("lang") == "da"
    assert texts(page, ".nav a") == ["Film", "Filmserier", "Sprog"]
    assert page.locator("h1").inner_text() == "Film: Thai — ไทย"
    if viewport == "phone":
        page.locator(".filter-disclosure > summary").click()
    assert page.get_by_label("Sprog", exact=True).is_visible()
    assert page.get_by_role("button", name="Anvend").is_visible()
    page.screenshot(path=str(ARTIFACTS / f"interface-da-{viewport}.png"), full_page=True)
    page.goto(f"{site}/da/films/rocky-iv/")
    assert texts(page, "main h2") == ["Titler", "Resuméer"]
    assert "Thai — ไทย" in texts(page, ".titles li .title-language")
    context.close()


@pytest.mark.parametrize("viewport", ["wide", "phone"])
def test_english_pages_screenshots(browser, site, viewport):
    context, page = open_page(browser, viewport)
    page.goto(f"{site}/en/films/?q=Rocky")
    assert page.locator("h1").inner_text() == "Films matching “Rocky”"
    page.screenshot(path=str(ARTIFACTS / f"interface-en-{viewport}.png"), full_page=True)
    page.goto(f"{site}/en/films/rocky-balboa/")
    page.screenshot(path=str(ARTIFACTS / f"film-en-{viewport}.png"), full_page=True)
    context.close()


def test_results_come_first_on_a_phone(browser, site):
    context, page = open_page(browser, "phone")
    page.goto(f"{site}/en/films/?q=Rocky")
    # The filters are one folded line; the first result is on the first screen.
    assert not page.locator(".filter-disclosure").evaluate("el => el.open")
    assert not page.get_by_label("Language", exact=True).is_visible()
    first = page.locator(".film-card").first.bounding_box()
    assert first["y"] + 60 < 844, f"first result starts at {first['y']}px"
    assert page.locator("input[type=search]").count() == 1, "one search box"
    context.close()


def test_filters_send_no_empty_fields_and_the_search_keeps_them(browser, site):
    context, page = open_page(browser, "wide")
    page.goto(f"{site}/en/films/")
    assert page.locator(".filter-disclosure").evaluate("el => el.open")  # the sidebar, unfolded
    page.get_by_label("Language", exact=True).select_option("da")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"/en/films/\?language=da$"))
    assert page.locator("h1").inner_text() == "Films: Danish — Dansk"
    # The header search keeps the language filter.
    page.get_by_label("Search titles and synopses").fill("Rocky")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=Rocky"))
    assert "language=da" in page.url
    assert page.locator("h1").inner_text() == "Films matching “Rocky”: Danish — Dansk"
    context.close()


@pytest.mark.parametrize("path", ["/api/docs/", "/api/films/?format=api"])
def test_api_documentation_and_browsable_api_work_under_the_csp(browser, site, path):
    context, page = open_page(browser, "wide")
    page.add_init_script(COLLECT_CSP_VIOLATIONS)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{site}{path}")
    if path == "/api/docs/":
        # Swagger UI rendered the schema: the API's title and its operations.
        assert (
            page.locator(".swagger-ui .info .title").inner_text().startswith("Film catalogue API")
        )
        assert page.locator(".opblock-summary-path").first.is_visible()
    else:
        assert page.locator(".response-info").is_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.screenshot(path=str(ARTIFACTS / f"api{path.replace('/', '-')[:-1]}.png"))
    context.close()


@pytest.mark.parametrize("viewport", ["wide", "phone"])
def test_axe_finds_no_violation_on_any_public_page(browser, site, viewport):
    source = AXE.read_text(encoding="utf-8")
    context, page = open_page(browser, viewport)
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(f"{site}{path}")
        # Evaluated through the DevTools protocol, so the page's CSP does not block it.
        page.evaluate(source)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations = [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]
        ]
        if violations:
            found[path] = violations
    context.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
