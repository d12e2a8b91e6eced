"""The review page in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium. A reviewer signs in, answers three offers with the
keyboard (confirm, pick candidate 2, not in the catalog) and finds the queue empty; a screenshot
of the page with its first offer is saved as a test artifact (``test-artifacts/``)."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest

from matcher.encoding import Encoder
from matcher.events import Offer
from matcher.profiles import get
from streams.components import build_matcher
from streams.ops.runner import serving
from streams.review.app import build_review_app
from streams.settings import Settings
from tests.integration_helpers import load_catalog, small_catalog

pytestmark = pytest.mark.integration
ARTIFACTS = Path(__file__).parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
PHONES = get("phones")


def browser():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(str(DRIVER)), options=options)


@pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="no Chromium / chromedriver installed")
async def test_a_reviewer_answers_with_the_keyboard(cfg: Settings, encoder: Encoder) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    cfg = cfg.model_copy(update={"review_band": 0.6, "review_token": "page-secret"})
    items = small_catalog(30)
    load_catalog(cfg, encoder, items)
    matcher = build_matcher(cfg, encoder)
    lines: dict[str, str] = {}  # three different lines (an answer settles its whole line)
    for it in items:
        title = it.title.split(" (")[0]
        lines.setdefault(PHONES.normalize(title).title, title)
    titles = list(lines.values())[:3]
    offers = [Offer(offer_id=f"p{i}", title=t, supplier_id="s9") for i, t in enumerate(titles)]
    results = matcher.pipeline.match(offers)  # puts them in the review queue, as a consumer does
    assert [r.decision for r in results] == ["review"] * 3
    answers = matcher.pipeline.answers
    assert answers is not None
    second_of_p1 = answers.item("p1").candidates[1].catalog_id  # what "2" picks
    async with serving(build_review_app(cfg, encoder)) as url:
        driver = await asyncio.to_thread(browser)
        try:
            await asyncio.to_thread(_session, driver, url, By, Keys)
        finally:
            await asyncio.to_thread(driver.quit)
    log = answers.audit_log()
    assert [(a["offer_id"], a["action"], a["reviewer"]) for a in log] == [
        ("p0", "confirm", "Ann Reviewer"),
        ("p1", "pick", "Ann Reviewer"),
        ("p2", "none", "Ann Reviewer"),
    ]
    assert log[1]["catalog_id"] == second_of_p1 and log[2]["catalog_id"] is None
    assert answers.depth() == 0
    assert (ARTIFACTS / "review-page.png").stat().st_size > 10_000


def _session(driver, url: str, By, Keys) -> None:  # type: ignore[no-untyped-def]
    driver.get(f"{url}/")
    assert "Sign in" in driver.title  # not signed in: the login form
    driver.find_element(By.NAME, "reviewer").send_keys("Ann Reviewer")
    driver.find_element(By.NAME, "token").send_keys("page-secret", Keys.ENTER)
    _until(driver, By, "offer")
    assert driver.find_element(By.ID, "left").text.startswith("3 waiting")
    assert driver.find_element(By.ID, "reviewer").text == "Ann Reviewer"
    cards = driver.find_elements(By.CSS_SELECTOR, ".cand")
    assert cards and "proposed" in cards[0].get_attribute("class") + "".join(
        c.get_attribute("class") for c in cards
    )
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "review-page.png"))
    first = driver.find_element(By.ID, "offer").get_attribute("data-offer")
    _key(driver, By, "c")  # confirm the proposal
    _until_offer_changes(driver, By, first)
    second = driver.find_element(By.ID, "offer").get_attribute("data-offer")
    _key(driver, By, "2")  # pick the second candidate
    _until_offer_changes(driver, By, second)
    _key(driver, By, "n")  # not in the catalog
    _until(driver, By, "empty")


def _key(driver, By, key: str) -> None:  # type: ignore[no-untyped-def]
    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def _until(driver, By, element_id: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import WebDriverException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if driver.execute_script(f"return !!document.getElementById('{element_id}')"):
                return
        except WebDriverException:  # the page is being reloaded
            pass
        time.sleep(0.1)
    raise AssertionError(f"#{element_id} never appeared: {driver.page_source[:2000]}")


def _until_offer_changes(driver, By, before: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import WebDriverException

    script = "var o = document.getElementById('offer'); return o ? o.dataset.offer : null;"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if driver.execute_script(script) != before:
                return
        except WebDriverException:  # the page is being reloaded
            pass
        time.sleep(0.1)
    raise AssertionError(f"offer {before} was not answered: {driver.page_source[:2000]}")
