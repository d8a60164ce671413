# The real-browser fixtures (Chromium via Playwright) for the accessibility test of these pages.
from tests.browser.conftest import _allow_sync_orm_beside_playwright, browser, page  # noqa: F401
