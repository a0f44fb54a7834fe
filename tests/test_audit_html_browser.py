"""The HTML audit report in a real headless Chromium (Debian's, driven by Playwright).

The charts must render, the page must log no error and request nothing but its own file,
a click on a heading must sort its table, and a screenshot is kept as a test artifact
(tests/artifacts/audit-report.png, git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promptlint.masking import mask
from tests.conftest import ROOT, run_cli
from tests.test_audit import planted_values

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACT = ROOT / "tests" / "artifacts" / "audit-report.png"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI runs this test")
    target = tmp_path_factory.mktemp("html") / "audit.html"
    result = run_cli(
        "audit", "examples/", "--no-cache", "--format", "html", "--out", str(target), cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def page_session(report: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(report.as_uri(), wait_until="load")
        yield page, requests, errors
        browser.close()


def test_charts_render_with_visible_bars(page_session) -> None:
    page, _, _ = page_session
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('figure svg')).map(svg => {
            const box = svg.getBoundingClientRect();
            const bars = Array.from(svg.querySelectorAll('rect')).map(r => r.getBoundingClientRect())
                .filter(r => r.width > 0 && r.height > 0);
            return {width: box.width, height: box.height, bars: bars.length};
        })"""
    )
    # Cost and tokens by team, use case and tier, the score distribution, the top savings.
    assert len(charts) >= 8
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 20
        assert chart["bars"] >= 1


def test_no_console_errors_and_no_network(page_session, report: Path) -> None:
    page, requests, errors = page_session
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert requests == [report.as_uri()]


def test_clicking_a_heading_sorts_the_table(page_session) -> None:
    page, _, _ = page_session
    table = page.locator("#prompts table")
    heading = table.locator("th", has_text="Tokens")
    column = table.locator("th").all_inner_texts().index("Tokens")

    def values() -> list[float]:
        return page.evaluate(
            """([col]) => Array.from(document.querySelectorAll('#prompts tbody tr'))
                .map(r => parseFloat(r.cells[col].dataset.v))""",
            [column],
        )

    before = values()
    assert len(before) > 10 and before != sorted(before)
    heading.click()
    assert heading.get_attribute("aria-sort") == "ascending"
    assert values() == sorted(before)
    heading.click()
    assert heading.get_attribute("aria-sort") == "descending"
    assert values() == sorted(before, reverse=True)


def test_page_shows_no_planted_value(page_session) -> None:
    page, _, _ = page_session
    shown = page.inner_text("body")
    email = planted_values()[0]
    assert mask("EMAIL_ADDRESS", email) in shown  # the masked form is there ...
    for value in planted_values():  # ... the value never is
        assert value not in shown


def test_screenshot_is_saved(page_session) -> None:
    page, _, _ = page_session
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACT), full_page=True)
    data = ARTIFACT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
