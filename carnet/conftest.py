"""Browser fixtures: Playwright's sync API driving Debian's chromium against the live server.

A browser test asks for ``live_server`` (pytest-django) and ``page`` and is marked
``@pytest.mark.browser``::

    @pytest.mark.browser
    def test_something(live_server, page, users, log_in):
        log_in(page, live_server.url, users["administrateur"])

Chromium is Debian's (``/usr/bin/chromium``, or the ``CHROMIUM`` environment variable);
``make test`` installs it. Never ``playwright install``: it downloads another browser.

Playwright's sync API and Django's async-safety check
-----------------------------------------------------
The sync API runs an asyncio event loop in the test's own thread (in a greenlet) and,
between two calls, leaves that loop marked as *running* in the thread for as long as
Playwright lives (``playwright/_impl/_greenlets.py``, ``wait_for_future``). Django then
sees a running event loop around every ORM call of the test thread (factories, the
database flush of ``transactional_db`` after the test) and raises
``SynchronousOnlyOperation``. The live server itself is not concerned: it answers in its
own thread, where no loop runs.

The usual fix is chosen: ``DJANGO_ALLOW_ASYNC_UNSAFE=true`` while Playwright runs. It only
switches off that check; it is safe here because the loop is Playwright's and never runs
Django code, and the project has no async views for the check to protect. Playwright and
chromium are started once per test session (starting them costs about a second), so the
variable is set when Playwright starts and restored when it stops at the end of the
session. So that no other test runs with the variable set or with Playwright's loop marked
as running, the browser tests are run after all the others (``pytest_collection_modifyitems``
below), which also puts the slow tests at the end.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Fail in seconds, not after Playwright's default 30 s: the live server answers in milliseconds.
DEFAULT_TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_modifyitems(config, items):
    """Browser tests last (stable order otherwise): see the module docstring."""
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's chromium, headless, driven by Playwright: one for the whole session."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(
            f"chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium » "
            "(make test le fait) ou indiquez son chemin dans la variable CHROMIUM."
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


def _console_problem(message, problems: list[str]) -> None:
    # base.html declares an empty data: icon, so chromium asks for no /favicon.ico.
    if message.type == "error":
        problems.append(f"console : {message.text} ({message.location.get('url') or ''})")


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    """new_page(**context_options) → a page in a fresh browser context (French, Paris time).

    Each context has its own cookies: two calls give two users. For instance
    ``new_page(java_script_enabled=False)`` gives a browser without JavaScript.
    Uncaught JavaScript errors and console errors (a script or an image blocked by the
    Content-Security-Policy, a failed request) fail the test.
    """
    contexts = []
    problems: list[str] = []

    def make(**options):
        context = browser.new_context(
            **{"locale": "fr-FR", "timezone_id": "Europe/Paris", **options}
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"erreur JavaScript : {error}"))
        page.on("console", lambda message: _console_problem(message, problems))
        return page

    yield make
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("Le navigateur a signalé des erreurs :\n" + "\n".join(problems))


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context, JavaScript on."""
    return new_page()


@pytest.fixture
def log_in() -> Callable:
    """log_in(page, base_url, user) signs in through the login page, as a person does."""
    from django.urls import reverse
    from playwright.sync_api import expect

    from carnet.accounts.tests.factories import TEST_PASSWORD

    def sign_in(page, base_url: str, user, password: str = TEST_PASSWORD):
        login_url = base_url + reverse("accounts:login")
        page.goto(login_url)
        page.get_by_label("Identifiant").fill(user.username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        # Signed in: the login page is left and the main menu shows.
        expect(page).not_to_have_url(login_url)
        expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()

    return sign_in
