"""Fixtures of the integration tests that need more than the archive: a real browser."""

from __future__ import annotations

import pytest
from browser import ChromiumMissing, find_chromium, start_chromium


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Selenium WebDriver) for the whole session; fails when none is installed."""
    from selenium.common.exceptions import WebDriverException

    problem = driver = None
    try:
        chromium, chromedriver = find_chromium()
        driver = start_chromium(chromium, chromedriver)
    except ChromiumMissing as missing:
        problem = str(missing)
    except WebDriverException as error:
        first = (error.msg or str(error)).strip().splitlines()[0]
        problem = f"{chromedriver} could not start {chromium}: {first}"
    if driver is None:
        pytest.fail(problem, pytrace=False)  # outside the except: one line, no chained traceback
    yield driver
    driver.quit()
