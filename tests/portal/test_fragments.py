"""``{% per_language %}`` (portal/pages/templatetags/fragments.py)."""

from __future__ import annotations

from django.template import engines
from django.test import override_settings
from django.utils import translation

SOURCE = (
    "{% load i18n fragments %}"
    "{% per_language %}[{% translate 'Sign in' %}|{{ secret }}|{{ DEBUG }}]"
    "{% endper_language %}"
)


def _render(**context):
    return engines["django"].from_string(SOURCE).render(context)


def test_rendered_once_per_language_and_never_sees_the_request():
    with translation.override("en"):
        assert _render(secret="alice") == "[Sign in||False]"
        assert _render(secret="bob") == "[Sign in||False]"
    with translation.override("ja"):
        assert _render(secret="carol") == "[ログイン||False]"


@override_settings(DEBUG=True)
def test_debug_has_its_own_copy():
    with translation.override("en"):
        assert _render() == "[Sign in||True]"


def test_the_layout_keeps_its_links(client):
    html = client.get("/").content.decode()
    assert 'href="/#accessibility"' in html
    assert "/processing-times/" in html or "processing" in html
    assert 'class="skip-link"' in html


def test_a_changed_setting_forgets_what_was_rendered(client, settings):
    """Browser tests link plain static names where other tests link hashed
    ones: a piece rendered before must not outlive the change."""
    from portal.pages.templatetags import fragments

    client.get("/")
    assert fragments._rendered
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    assert not fragments._rendered
    assert 'href="/static/css/portal.css"' in client.get("/").content.decode()
