"""The site in a real browser: list, Thai filter, search, film page, pagination."""

import re

import pytest

from .chromium import ARTIFACTS

pytestmark = pytest.mark.browser


def test_list_filter_by_thai_search_and_open_the_film(page, site, screenshot):
    page.goto(f"{site}/")
    assert page.url.endswith("/en/films/")  # the visitor's language (en-GB) in the URL
    assert page.get_by_role("heading", level=1, name="Films").is_visible()
    assert page.locator(".film-card").count() == 12

    # Filter by Thai through the language facet (its label is written in Thai).
    page.locator(".facets").get_by_role("link", name=re.compile("ไทย")).click()
    page.wait_for_url(re.compile(r"language=th"))
    assert [t.strip() for t in page.locator(".film-title a").all_inner_texts()] == ["Rocky Balboa"]
    assert page.locator('.lang-tag [lang="th"]').first.inner_text() == "ไทย"
    screenshot("list-filtered-thai", full_page=True)

    # Search "Rocky 4" from the one search box: Rocky IV comes first.
    page.goto(f"{site}/en/films/")
    page.get_by_label("Search titles and synopses").fill("Rocky 4")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=Rocky"))
    assert page.locator(".film-title a").first.inner_text() == "Rocky IV"
    screenshot("search-rocky-4")

    page.locator(".film-title a").first.click()
    page.wait_for_url(re.compile(r"/en/films/rocky-iv/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Rocky IV")
    assert page.locator('.titles [lang="th"]').inner_text() == "ร็อคกี้ 4"
    assert page.locator(".synopsis-text").first.get_attribute("lang") == "da"
    assert page.get_by_role("link", name=re.compile("Rocky V")).get_attribute("rel") == "next"


def test_film_page_lang_attributes_and_thai_rendering(browser, site):
    # A Thai visitor: chromium sends Accept-Language from the context's locale.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = context.new_page()
    page.goto(f"{site}/films/rocky-balboa/")
    langs = page.locator(".synopsis-text").evaluate_all("els => els.map(e => e.lang)")
    assert langs == ["th", "es"]  # the visitor's languages first, by q-value
    thai = page.locator('.synopsis-text[lang="th"]')
    assert "ร็อคกี้" in thai.inner_text()
    # The page's own Thai font is loaded and used for Thai text.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'ร็อคกี้')")
    family = thai.evaluate("el => getComputedStyle(el).fontFamily")
    assert family.startswith('"Noto Sans Thai"')
    page.screenshot(path=str(ARTIFACTS / "film-rocky-balboa-thai.png"), full_page=True)
    context.close()


def test_paging_keeps_the_filter(page, site, screenshot):
    page.goto(f"{site}/en/films/?language=en&ordering=year")
    assert page.get_by_text("Page 1 of 2").is_visible()
    page.get_by_role("link", name=re.compile("Next")).click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "language=en" in page.url and "ordering=year" in page.url
    assert page.get_by_text("Page 2 of 2").is_visible()
    assert page.get_by_label("Language", exact=True).input_value() == "en"
    screenshot("list-page-2")


def test_phone_layout_skip_link_and_focus(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/en/films/?q=ร็อคกี้")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling on a phone"
    page.screenshot(path=str(ARTIFACTS / "phone-search-thai.png"), full_page=True)
    context.close()
