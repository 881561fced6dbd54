"""Opens paybench's HTML pages in headless Chromium, driven through chromedriver.

Uses Debian's chromium, chromium-driver and python3-selenium (scripts/setup installs them).
Each session records the browser's console messages and, through Chrome's performance log,
every network request the page makes, so that a test can assert that a report loads nothing.

When a part is missing, require_browser() skips the test and names the package to install,
unless the environment variable CI is "true" or "1": then the test fails, so CI cannot pass
without running the browser.
"""

import base64
import io
import json
import os
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW_SIZE = (1280, 900)
PAGE_LOAD_TIMEOUT_S = 60

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    SELENIUM_ERROR = ""
except ImportError as error:  # reported by require_browser()
    SELENIUM_ERROR = str(error)

try:
    from PIL import Image
    PIL_ERROR = ""
except ImportError as error:
    PIL_ERROR = str(error)


def is_ci():
    return os.environ.get("CI", "").lower() in ("true", "1")


def missing_parts():
    """Returns what the browser tests need and this machine lacks, with the package to install."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not os.access(CHROMEDRIVER, os.X_OK):
        missing.append(f"{CHROMEDRIVER} (apt-get install chromium-driver)")
    if SELENIUM_ERROR:
        missing.append(f"selenium: {SELENIUM_ERROR} (apt-get install python3-selenium)")
    if PIL_ERROR:
        missing.append(f"PIL: {PIL_ERROR} (apt-get install python3-pil)")
    return missing


def require_browser(test_case):
    """Skips `test_case` when a part is missing, or fails it under CI."""
    missing = missing_parts()
    if not missing:
        return
    message = "the browser tests need " + "; ".join(missing) + ": run scripts/setup"
    if is_ci():
        test_case.fail(message + " (CI is set, so this is a failure, not a skip)")
    test_case.skipTest(message)


class BrowserSession:
    """A headless Chromium window; use it as a context manager."""

    def __init__(self, javascript=True):
        self.profile_directory = tempfile.TemporaryDirectory(prefix="paybench-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--hide-scrollbars",
                         f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}",
                         f"--user-data-dir={self.profile_directory.name}"):
            options.add_argument(argument)
        if not javascript:
            options.add_experimental_option(
                "prefs", {"profile.managed_default_content_settings.javascript": 2})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT_S)
        self.page_url = ""
        self.console = []
        self.requests = []

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.driver.quit()
        self.profile_directory.cleanup()

    def open(self, path):
        """Loads the page at `path` and collects the log entries of its loading."""
        # Chromium's own start page logs requests and messages too; they are dropped here.
        self.driver.get("about:blank")
        self.driver.get_log("browser")
        self.driver.get_log("performance")
        self.page_url = Path(path).resolve().as_uri()
        self.driver.get(self.page_url)
        self.collect_logs()

    def collect_logs(self):
        """Adds the console messages and the page's requests logged since the last call."""
        self.console += self.driver.get_log("browser")
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.requestWillBeSent":
                continue
            parameters = message["params"]
            if parameters.get("documentURL", "").split("#")[0] == self.page_url:
                self.requests.append(parameters["request"]["url"])

    def console_errors(self):
        self.collect_logs()
        return [entry["message"] for entry in self.console if entry["level"] == "SEVERE"]

    def requests_beyond_page(self):
        """Returns every requested URL other than the page itself."""
        self.collect_logs()
        return [url for url in self.requests if url.split("#")[0] != self.page_url]

    def has_alert(self):
        try:
            self.driver.switch_to.alert
        except NoAlertPresentException:
            return False
        return True

    def find(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def script(self, source, *arguments):
        return self.driver.execute_script(source, *arguments)

    def screenshot(self):
        """Returns the visible part of the page as a PIL image."""
        return Image.open(io.BytesIO(self.driver.get_screenshot_as_png())).convert("RGB")

    def emulate_print(self):
        """Applies the page's print style sheet, as the print preview does."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})

    def print_to_pdf(self):
        """Returns the page printed by Chromium, as PDF bytes."""
        return base64.b64decode(self.driver.print_page())


def ink_share(image, background=(255, 255, 255)):
    """Returns the share of pixels that differ from `background`, and the number of colours."""
    pixels = list(image.getdata())
    drawn = sum(1 for pixel in pixels if pixel != background)
    return drawn / len(pixels), len(set(pixels))
