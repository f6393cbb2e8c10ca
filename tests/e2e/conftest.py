"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live_server.

One browser for all the journeys, a fresh context (cookies, viewport, language) per journey. Every
`Journey.shot()` saves a screenshot to artifacts/ and checks the page the way a user would
notice: on a phone no sideways scrolling and buttons big enough to tap; in Chinese no English
left untranslated.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import sync_playwright

from accounts.models import SalesGroup

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}
MIN_TAP = 44  # px: buttons, fields and menu entries a thumb must hit on a phone

# The HTML standard's machine formats: a typed input whose value is anything else is shown
# empty by the browser, and saving the form erases the value ("2027/01/03" in Chinese did).
MACHINE_FORMATS = {
    "date": r"\d{4,}-\d\d-\d\d",
    "datetime-local": r"\d{4,}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,3})?)?",
    "time": r"\d\d:\d\d(:\d\d(\.\d{1,3})?)?",
    "month": r"\d{4,}-\d\d",
    "week": r"\d{4,}-W\d\d",
    "number": r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?",
}

# What a thumb must hit, as [height, name] pairs for those shorter than `min` px: buttons,
# fields, page links, menu entries, links used as buttons (pills, tabs, summaries); and each
# tick box and radio with its labels (a tap on the label ticks it), as tall and as wide as `min`.
TOO_SMALL_TO_TAP = """(min) => {
  const shown = el => el.offsetParent !== null && !el.closest('.visually-hidden');
  const name = el => (el.innerText || el.getAttribute('aria-label') || el.name || el.id || el.value || '').trim().slice(0, 30);
  const small = [];
  document.querySelectorAll('.btn, button, [role=button], .form-control, .form-select, .page-link, .dropdown-item, .nav-link, .list-group-item-action, summary')
    .forEach(el => {
      const height = el.getBoundingClientRect().height;
      if (shown(el) && height > 0 && height < min) small.push([height, name(el)]);
    });
  document.querySelectorAll('input[type=checkbox], input[type=radio]').forEach(el => {
    if (!shown(el) || el.classList.contains('btn-check')) return;
    const boxes = [el, ...el.labels].map(part => part.getBoundingClientRect()).filter(box => box.height > 0);
    const height = Math.max(...boxes.map(b => b.bottom)) - Math.min(...boxes.map(b => b.top));
    const width = Math.max(...boxes.map(b => b.right)) - Math.min(...boxes.map(b => b.left));
    if (height < min || width < min) small.push([Math.min(height, width), el.type + ' ' + name(el.labels[0] || el)]);
  });
  return small;
}"""

# English that may stay in a Chinese page: the product's name, the language's own name in the
# switcher, a grade that is a loan word, units and technical names; plus each journey's data.
ALLOWED_ENGLISH = {"CRM", "English", "VIP", "SHA", "MB", "KB", "GB", "bytes", "s", "CSV", "Excel", "PDF", "Word", "PowerPoint",
                   "PostgreSQL", "Ctrl", "Enter",
                   "A", "B", "C"}  # revenue classes: A类客户 is how Chinese sales teams say it


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("The browser journeys need Debian's chromium (scripts/test installs it when run as root).")
    return {**browser_type_launch_args, "executable_path": executable, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package")
def browser(browser_type_launch_args):
    """One Chromium for the journeys, stopped when they are done (pytest-playwright's own lives
    for the whole session). Playwright runs an event loop in the main thread while it is up, so
    Django must be told that touching the database from that thread is fine (otherwise
    SynchronousOnlyOperation); afterwards the setting goes, so later tests and their
    subprocesses (`check --deploy`) never see it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(**browser_type_launch_args)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _journey_settings(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_PG_BIN_DIR = ""
    settings.MEDIA_ROOT = tmp_path / "media"


def english_runs(text: str, allowed=()) -> list[str]:
    """Runs of ASCII words in `text` that are neither allowed words nor the journey's own data."""
    for value in sorted(allowed, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"[A-Za-z0-9_\-]*\d[A-Za-z0-9_\-]*", " ", text)  # customer numbers, file names, versions
    runs = re.findall(r"[A-Za-z][A-Za-z'’\-]*(?:[ ,.:]+[A-Za-z][A-Za-z'’\-]*)*", text)
    return [run for run in runs if not set(re.findall(r"[A-Za-z][A-Za-z'’\-]*", run)) <= ALLOWED_ENGLISH]


def machine_format_errors(inputs) -> list[str]:
    """`inputs`: (type, name, value as the server sent it) of a page's typed inputs; the ones
    whose value is neither empty nor in the HTML machine format."""
    return [
        f"{kind} {name}={value!r}" for kind, name, value in inputs
        if kind in MACHINE_FORMATS and value and not re.fullmatch(MACHINE_FORMATS[kind], value)
    ]


class Journey:
    """A person at a browser: one page, one device, one language, screenshots named by step."""

    def __init__(self, page, base_url, name, device, language, allowed):
        self.page, self.base_url, self.name = page, base_url, name
        self.device, self.language, self.allowed = device, language, set(allowed)
        self.visited = []

    def go(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, step):
        """Screenshot this page and check what a phone user or a Chinese reader would notice."""
        page = self.page
        page.wait_for_load_state("domcontentloaded")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{self.name}-{step}-{self.language}-{self.device}.png", full_page=True)
        self.visited.append(page.url)
        if self.device == "phone":
            self.check_fits_a_phone(step)
        if self.language == "zh-hans":
            self.check_all_chinese(step)
        self.check_machine_formats(step)

    def check_machine_formats(self, step):
        """Every date, time, month and number input holds a machine-format value or none. Read
        from the value attribute the server sent: the browser's own .value is already emptied."""
        inputs = self.page.evaluate(
            """(types) => [...document.querySelectorAll('input')]
                .filter(el => types.includes((el.getAttribute('type') || '').toLowerCase()))
                .map(el => [el.getAttribute('type').toLowerCase(), el.name, el.getAttribute('value') || ''])""",
            list(MACHINE_FORMATS),
        )
        wrong = machine_format_errors(inputs)
        assert not wrong, f"{step}: inputs not in the HTML machine format on {self.page.url}: {wrong}"

    def check_fits_a_phone(self, step):
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{step}: the page scrolls sideways by {overflow}px on a phone"
        small = self.page.evaluate(TOO_SMALL_TO_TAP, MIN_TAP)
        assert not small, f"{step}: too small to tap on a phone: {small}"

    def check_all_chinese(self, step):
        text = self.page.evaluate("document.title + '\\n' + document.body.innerText")
        leftovers = english_runs(text, self.allowed)
        assert not leftovers, f"{step}: English left in the Chinese page {self.page.url}: {leftovers}"


@pytest.fixture
def journey(browser, live_server, client_for):
    """journey(name, user=None, device="desktop", language="en", allowed=()) -> Journey.

    `user` starts logged in (a session cookie, as after the login page); None is a guest.
    `allowed`: the journey's own data (names, usernames) that may be ASCII in a Chinese page.
    """
    contexts = []

    def start(name, user=None, *, device="desktop", language="en", allowed=()):
        context = browser.new_context(
            **DEVICES[device], base_url=live_server.url, locale="zh-CN" if language == "zh-hans" else "en-US"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if user is not None:
            session = client_for(user).session
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url})
        context.add_cookies(cookies)
        page = context.new_page()
        names = {getattr(user, "username", ""), getattr(user, "display_name", "")}
        names |= set(SalesGroup.objects.values_list("name", flat=True))  # the cast's groups are "Group A", "Group B"
        return Journey(page, live_server.url, name, device, language, {*allowed, *names} - {""})

    yield start
    for context in contexts:
        context.close()
    translation.activate("en")

