"""``{% remember %}`` (portal/pages/templatetags/fragments.py): the account
menu of the layout is printed once per process for each combination of what
it shows, and still says the right thing for every user, count, page and
language, with each request's own CSRF token."""

from __future__ import annotations

import re

from django.test import Client

import pytest

from portal.notifications import services
from portal.pages.templatetags import fragments
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _menu(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<nav class="account-nav"')
    return html[start : html.index("</nav>", start)]


def _token(menu: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', menu)
    assert found
    return found.group(1)


def test_each_user_count_page_and_language_gets_its_own_menu(client, settings):
    first = UserFactory(mfa=True, full_name="最初 太郎")
    second = UserFactory(mfa=True, full_name="二番 花子")
    client.force_login(first)
    menu = _menu(client.get("/inbox/"))
    assert "最初 太郎" in menu and first.username in menu
    assert 'href="/inbox/" aria-current="page"' in menu
    remembered = len(fragments._remembered)
    assert _menu(client.get("/inbox/")) != menu  # another request's token ...
    assert len(fragments._remembered) == remembered  # ... from memory
    services.notify(recipient=first, kind="mfa_enabled")
    assert 'class="count-badge" aria-hidden="true">1<' in _menu(client.get("/inbox/"))
    dashboard = _menu(client.get("/dashboard/"))
    assert 'href="/inbox/" aria-current="page"' not in dashboard
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Signed in as" in _menu(client.get("/dashboard/"))
    other = Client()
    other.force_login(second)
    theirs = _menu(other.get("/inbox/"))
    assert "二番 花子" in theirs and "最初 太郎" not in theirs
    assert "count-badge" not in theirs


def test_the_sign_out_form_carries_this_requests_token(client):
    user = UserFactory(mfa=True)
    client.force_login(user)
    client.get("/inbox/")
    client.handler.enforce_csrf_checks = True
    page = client.get("/inbox/")
    token = _token(_menu(page))  # printed from memory
    assert token != fragments._CSRF_MARK
    # The page's one token (masked once), as the language switch prints it.
    tokens = set(
        re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    )
    assert tokens == {token}
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/inbox/").status_code == 302  # signed out


def test_the_session_dialog_names_the_page_it_is_on(client):
    user = UserFactory(mfa=True)
    client.force_login(user)
    for path in ("/inbox/", "/dashboard/", "/inbox/"):
        html = client.get(path).content.decode()
        assert f'data-login-url="/accounts/login/?next={path}"' in html


def test_asset_urls_are_the_static_tags():
    from django.templatetags.static import static

    from portal.pages.templatetags.fragments import asset

    for path in ("css/portal.css", "js/portal.js", "favicon.svg"):
        assert asset(path) == static(path)
        assert asset(path) is asset(path)
