"""The SQLite export in Datasette, seen through a real (headless) Chromium.

Datasette serves the export on 127.0.0.1 at a free port; Selenium drives Debian's
chromium through chromedriver. Nothing is installed here: CI installs the browser
(.ci/run), and without it the test is skipped with the reason.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from conftest import headless_chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="headless Chromium and chromedriver are not installed "
    "(Debian: apt-get install chromium chromium-driver; .ci/run does this)",
)

webdriver = pytest.importorskip("selenium.webdriver", reason="needs the test extra (selenium)")
pytest.importorskip("datasette", reason="needs the browse extra (datasette)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"datasette exited with {server.returncode}: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise TimeoutError(f"datasette did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Base URL of Datasette serving a fresh SQLite export, with its metadata."""
    folder = tmp_path_factory.mktemp("datasette")
    database = folder / "ai-openness.db"
    assert main(["export", "sqlite", str(database), "--quiet"]) == 0
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(database),
            "--metadata",
            str(folder / "ai-openness.metadata.json"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/-/versions.json", server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    # The Debian driver, given explicitly, so that Selenium never tries to fetch one.
    driver = headless_chromium(CHROMIUM, CHROMEDRIVER, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


def test_stances_page_shows_chinese_and_its_foreign_keys_lead_to_their_rows(site, browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    columns = "".join(f"&_col={c}" for c in ("person_id", "date", "date_precision", "position", "quote", "quote_en"))
    browser.get(f"{site}/ai-openness/stances?_sort=stance_id&person_id=elon-musk{columns}")
    assert "stances" in browser.title
    table = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns")
    quotes = [cell.text for cell in table.find_elements(By.CSS_SELECTOR, "td.col-quote")]
    assert quotes and all(any("\u4e00" <= c <= "\u9fff" for c in q) for q in quotes), quotes
    # The column descriptions fill the top of the page; show the rows in the screenshot.
    browser.execute_script("arguments[0].scrollIntoView()", table)
    browser.save_screenshot(str(tmp_path / "stances.png"))

    # The person_id cell is a link to the referenced row, labelled with the person's name.
    link = table.find_element(By.CSS_SELECTOR, "td.col-person_id a")
    assert link.get_attribute("href").endswith("/ai-openness/people/elon-musk")
    assert "Elon Musk" in link.text
    link.click()
    assert browser.current_url.endswith("/ai-openness/people/elon-musk")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "马斯克" in body and "Elon Musk" in body
    browser.save_screenshot(str(tmp_path / "person.png"))
    assert (tmp_path / "stances.png").stat().st_size > 10_000


def test_descriptions_and_canned_query_in_the_browser(site, browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/ai-openness/quotes_of_one_position?position=closed")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert rows, "the canned query returned no row"
    assert "Vinod Khosla" in browser.find_element(By.TAG_NAME, "body").text
    browser.get(f"{site}/ai-openness")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Stances of one actor over time" in body  # canned queries are listed
    assert "CC-BY-4.0" in body  # licence from the metadata
    browser.save_screenshot(str(tmp_path / "database.png"))
