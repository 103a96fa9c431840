"""pytest fixtures shared by the browser tests (test_core.py, test_pages.py): a headless
Chromium per test, the demo account, and a browser already signed in on the demo tenant.
Every test's browser is checked for console errors when the test ends."""
import pytest

import harness


@pytest.fixture(scope="session")
def demo():
    return harness.demo_account()


@pytest.fixture(scope="session")
def admin_token(demo):
    return harness.api_token(demo)


@pytest.fixture
def browser():
    driver = harness.start_browser()
    try:
        yield driver
        errors = harness.console_errors(driver)
        assert not errors, "console errors:\n" + "\n".join(errors)
    finally:
        driver.quit()


@pytest.fixture
def signed_in(browser, demo):
    harness.sign_in(browser, demo)
    return browser
