"""Search in a real browser: a title match says which title, in which language, matched."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def search_site(site):
    from tests.factories import make_search_examples

    make_search_examples({})
    return site


def test_a_title_match_explains_itself(page, search_site, screenshot):
    page.goto(f"{search_site}/films/?q=La+leyenda")
    card = page.locator(".film-card").filter(has_text="Creed")
    assert card.count() == 1
    explanation = card.locator(".match-title")
    assert explanation.is_visible()
    assert explanation.inner_text() == "Spanish title: Creed: La leyenda de Rocky"
    assert explanation.locator('span[lang="es"]').inner_text() == "Creed: La leyenda de Rocky"
    screenshot("search-la-leyenda", full_page=True)

    # A typo still finds the film, and says the title is close to what was typed.
    page.goto(f"{search_site}/films/?q=Creeed")
    first = page.locator(".film-card").first
    assert first.locator(".film-title a").inner_text() == "Creed"
    assert first.locator(".match-title").inner_text() == "Close to your search: Creed"

    # A text match keeps its snippet, the matched word marked.
    page.goto(f"{search_site}/films/?q=boksere")
    snippet = page.locator(".film-card").first.locator(".snippet mark")
    assert snippet.first.inner_text().lower() in {"bokser", "boksere"}  # one stem, both forms
    screenshot("search-boksere", full_page=True)
