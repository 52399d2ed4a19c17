"""Debian Chromium driven by Playwright, as the tests of pages use it."""

from __future__ import annotations

import shutil

from playwright.sync_api import Browser, Page, sync_playwright

MOBILE = {"width": 390, "height": 844}


class Chromium:
    def __enter__(self) -> Browser:
        executable = shutil.which("chromium")
        assert executable, "Debian chromium is missing: apt-get install -y chromium"
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        return self.browser

    def __exit__(self, *exc) -> None:
        self.browser.close()
        self._playwright.stop()


def lawyer_replies(browser: Browser, base_url: str, username: str, password: str, case_id: int, text: str) -> None:
    """A lawyer logs into the console, claims the case and answers it."""
    context = browser.new_context()
    page: Page = context.new_page()
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.goto(f"{base_url}/console/cases/{case_id}")
    page.click("text=认领案件")
    page.fill("#reply-text", text)
    page.click("text=发送回复")
    page.wait_for_load_state()
    context.close()
