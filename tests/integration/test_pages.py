"""The web pages in a real browser (Playwright driving Debian's Chromium), on real PostgreSQL:
a typo in a title, the three films called Heat, a filter that changes the list, a taste
profile, an uploaded history, a title that is a script tag, the plain forms with JavaScript
off, and every page 400 px wide.

Each test saves a screenshot of its page; with MOVIEREC_SCREENSHOTS=docs/screenshots they
go there (the README and docs show them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import fixtures
from tests.integration.conftest import SCRIPT_TITLE
from tests.integration.live import live_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does)")
    pytest.skip(f"no {CHROMIUM}: apt-get install -y chromium", allow_module_level=True)

from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def base(web_url: str) -> Iterator[str]:
    with live_server(web_url) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, base: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base, viewport={"width": 1000, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield opened
    finally:
        context.close()
    assert dialogs == [], "a page ran a script it was given as data"
    assert errors == []


def _screenshot(page: Page, name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
    wanted = os.environ.get("MOVIEREC_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(wanted) / path.name)


def _titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("ol.results .title").all_inner_texts()]


def test_a_typo_in_a_title_then_a_pick_from_the_suggestions(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    _screenshot(page, "home", tmp_path)
    box = page.get_by_role("combobox", name="Find a film")
    box.press_sequentially("the matrx", delay=30)
    option = page.get_by_role("option", name="The Matrix (1999)")
    expect(option).to_be_visible()
    _screenshot(page, "suggestions", tmp_path)
    # From the keyboard: down to the film, Enter.
    options = page.get_by_role("option").all_inner_texts()
    index = next(i for i, text in enumerate(options) if text.startswith("The Matrix (1999)"))
    for _ in range(index + 1):
        box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/films/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("The Matrix")
    expect(page.locator("dl.facts")).to_contain_text("Wachowski")
    assert len(_titles(page)) == 10
    _screenshot(page, "film", tmp_path)


def test_three_films_called_heat_are_told_apart(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    page.get_by_role("combobox", name="Find a film").fill("Heat")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=Heat")
    picks = page.locator("ol.picks li").filter(has_text="Heat")
    years = [t.strip() for t in picks.locator(".year").all_inner_texts() if t.strip().isdigit()]
    assert sorted(years)[:3] == ["1972", "1987", "1995"]
    heat = picks.filter(has_text="Michael Mann")
    expect(heat).to_contain_text("1995")
    expect(picks.filter(has_text="Paul Morrissey")).to_contain_text("1972")
    _screenshot(page, "search", tmp_path)
    heat.get_by_role("link").click()
    page.wait_for_url("**/films/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Heat 1995")
    expect(page.locator("dl.facts")).to_contain_text("Michael Mann")


def test_a_filter_changes_the_list(page: Page, base: str, tmp_path: Path) -> None:
    page.goto("/search?q=Titanic+1997")
    page.locator("ol.picks a").filter(has_text="Titanic").first.click()
    page.wait_for_url("**/films/*")
    before = _titles(page)
    assert before
    page.get_by_label("With genre").select_option("Comedy")
    page.get_by_label("From").fill("1998")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**genre=Comedy**")
    after = _titles(page)
    assert after and after != before
    for genres, year in zip(
        page.locator("ol.results .genres").all_inner_texts(),
        page.locator("ol.results .year").all_inner_texts(),
        strict=True,
    ):
        assert "Comedy" in genres and int(year) >= 1998
    # Leaving out a film already seen keeps the filters and drops it from the list.
    first = after[0]
    page.get_by_role("link", name=f"Seen {first}: leave it out").click()
    page.wait_for_load_state()
    assert first not in _titles(page)
    expect(page.get_by_text("Left out, seen")).to_contain_text(first)
    assert "genre=Comedy" in page.url
    # Each result says why it came.
    page.locator("details.why summary").first.click()
    expect(page.locator("details.why").first).to_contain_text("content")
    _screenshot(page, "film-filtered", tmp_path)


def test_a_taste_profile_gets_recommendations(page: Page, tmp_path: Path) -> None:
    page.goto("/taste")
    add = page.get_by_role("combobox", name="Add a film")
    for typed, name in [("titanc", "Titanic (1997)"), ("romeo juliet", "Romeo + Juliet (1996)")]:
        add.press_sequentially(typed, delay=30)
        page.get_by_role("option", name=name).first.click()
        expect(add).to_have_value("")
    liked = page.get_by_label("Films you liked")
    assert liked.input_value().splitlines() == ["Titanic (1997)", "Romeo + Juliet (1996)"]
    page.get_by_label("Films you did not like").fill("Scream (1996)")
    page.get_by_role("button", name="Recommend").click()
    page.wait_for_url("**/taste?**")
    expect(
        page.get_by_role("heading", name="For Titanic, Romeo + Juliet, not Scream")
    ).to_be_visible()
    titles = _titles(page)
    assert len(titles) == 12
    assert not {"Titanic", "Romeo + Juliet", "Scream"} & set(titles)
    expect(page.locator(".led").first).to_contain_text("led by your:")
    _screenshot(page, "taste", tmp_path)
    # A line that names several films asks for a pick.
    page.get_by_label("Films you liked").fill("Heat")
    page.get_by_role("button", name="Recommend").click()
    expect(page.locator(".problems")).to_contain_text("several films")
    expect(page.locator(".problems")).to_contain_text("Michael Mann")


def test_an_uploaded_history(page: Page, tmp_path: Path) -> None:
    export = fixtures.write_letterboxd(tmp_path)
    page.goto("/history")
    page.get_by_label("Your export").set_input_files(str(export))
    page.get_by_role("button", name="Recommend").click()
    expect(page.locator(".report")).to_contain_text("rows matched")
    expect(page.locator(".report")).to_contain_text("not-in-catalogue")
    assert len(_titles(page)) == 12
    _screenshot(page, "history", tmp_path)


def test_a_script_in_a_title_is_shown_as_text(page: Page, tmp_path: Path) -> None:
    page.goto("/search?q=" + SCRIPT_TITLE.replace("<", "%3C").replace(">", "%3E"))
    link = page.locator("ol.picks a").filter(has_text="alert(1)").first
    expect(link.locator(".title")).to_have_text(SCRIPT_TITLE)
    link.click()
    page.wait_for_url("**/films/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(SCRIPT_TITLE)
    expect(page.locator("dl.facts")).to_contain_text("Anne O'Hara & <b>Co</b>")
    assert page.locator("main script").count() == 0 and page.locator("main b").count() == 0
    # The suggestions list builds its options as text too.
    box = page.get_by_role("combobox", name="Find a film")
    box.press_sequentially("script alert", delay=30)
    expect(page.get_by_role("option").first).to_contain_text(SCRIPT_TITLE)
    assert page.locator("#q-options script").count() == 0


def test_the_forms_work_without_javascript(browser: Browser, base: str) -> None:
    context = browser.new_context(base_url=base, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_label("Find a film").fill("fargo")
        page.get_by_role("button", name="Search").click()
        page.locator("ol.picks a").filter(has_text="Fargo").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Fargo")
        page.get_by_label("With genre").select_option("Drama")
        page.get_by_role("button", name="Apply").click()
        assert "genre=Drama" in page.url and _titles(page)
        page.goto("/taste")
        page.get_by_label("Films you liked").fill("Fargo (1996)")
        page.get_by_role("button", name="Recommend").click()
        assert len(_titles(page)) == 12
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=hamlet", "film", "/taste?liked=Fargo+%281996%29", "/history", "/nope"],
)
def test_every_page_reads_400_px_wide(
    browser: Browser, base: str, path: str, tmp_path: Path
) -> None:
    context = browser.new_context(base_url=base, viewport={"width": 400, "height": 800})
    page = context.new_page()
    try:
        if path == "film":
            page.goto("/search?q=the+big+lebowski")
            page.locator("ol.picks a").first.click()
            page.wait_for_url("**/films/*")
        else:
            page.goto(path)
        _screenshot(page, f"narrow-{path.strip('/').split('?')[0] or 'home'}", tmp_path)
        width: Any = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"{path} scrolls sideways at 400 px ({width} px wide)"
        # The first Tab reaches the skip link, and it shows.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
    finally:
        context.close()


def test_an_unknown_page_is_a_page_not_json(page: Page) -> None:
    response = page.goto("/films/987654321")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("404")
