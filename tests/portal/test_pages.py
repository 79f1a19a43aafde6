"""The shared page furniture: layout, language switcher, components, inbox,
development mailbox; and, in headless Chromium, screenshots plus axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

import pytest

from portal.lib.mailbox import MailboxBackend
from portal.notifications.models import Notification

PASSWORD = "correct-horse-battery-2026"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# --- helpers -----------------------------------------------------------------


def make_user(username: str, *, totp: bool = True, **extra: Any) -> Any:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User

    user = User.objects.create_user(
        username=username, email=f"{username}@example.jp", password=PASSWORD, **extra
    )
    if totp:
        TOTP.activate(user, generate_totp_secret())
    return user


def assert_page_furniture(html: str) -> None:
    assert 'class="skip-link" href="#main"' in html
    assert html.count("<main") == 1
    assert 'id="main"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert 'value="ja" lang="ja"' in html
    assert 'value="en" lang="en"' in html


class PersonForm(forms.Form):
    full_name = forms.CharField(label="Full name")
    email = forms.EmailField(
        label="Email address", help_text="We send the receipt here."
    )
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect
    )
    nickname = forms.CharField(label="Nickname", required=False)

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError("These details do not match our records.")


# --- layout and language -----------------------------------------------------


@pytest.mark.japanese
@pytest.mark.django_db
def test_home_is_japanese_by_default(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert 'aria-current="true">日本語' in html
    for anchor in ("about", "statuses", "users", "request-use", "benefits", "help"):
        assert f'id="{anchor}"' in html


@pytest.mark.django_db
def test_set_language_switches_home_to_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert 'aria-current="true">English' in html
    assert "File residence applications online" in html
    assert "What you can apply for online" in html
    assert "How to request use" in html
    assert f'href="{reverse("accounts:request_start")}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["home", "account_login", "account_reset_password", "account_reset_password_done"],
)
def test_public_pages_have_skip_link_one_main_and_language_switcher(
    client: Client, url_name: str
) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_page_furniture(response.content.decode())


@pytest.mark.django_db
def test_signed_in_pages_have_furniture_and_user_menu(client: Client) -> None:
    user = make_user("alice", full_name="Alice Example")
    client.force_login(user)
    for url in (
        reverse("dashboard"),
        reverse("notifications:inbox"),
        reverse("mfa_index"),
        reverse("account_change_password"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_page_furniture(html)
        assert 'id="logout-form"' in html
        assert f'action="{reverse("account_logout")}"' in html
        assert 'id="session-dialog"' in html
        assert "js/session." in html


@pytest.mark.django_db
def test_every_script_and_style_carries_the_csp_nonce(client: Client) -> None:
    user = make_user("alice")
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.django_db
def test_login_page_wording(client: Client) -> None:
    client.cookies.load({"django_language": "en"})
    html = client.get(reverse("account_login")).content.decode()
    assert "User ID or email address" in html
    assert "Forgot your password?" in html
    assert "request for use" in html
    assert "signup" not in html
    assert "novalidate" in html


@pytest.mark.django_db
def test_failed_sign_in_shows_error_title_and_summary(client: Client) -> None:
    make_user("alice")
    client.cookies.load({"django_language": "en"})
    response = client.post(
        reverse("account_login"), {"login": "alice", "password": "wrong"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>Error: ", html)
    assert 'class="error-summary"' in html
    assert "There is a problem" in html
    # The summary comes before the page heading, first in main.
    assert html.index("error-summary") < html.index("<h1")
    # What was typed is kept.
    assert 'value="alice"' in html


# --- components --------------------------------------------------------------


def test_error_summary_links_to_each_field() -> None:
    form = PersonForm(data={"full_name": "", "email": "nope", "colour": ""})
    assert not form.is_valid()
    with translation.override("en"):
        html = render_to_string("components/error_summary.html", {"form": form})
    assert 'role="alert"' in html
    assert 'tabindex="-1"' in html
    assert 'href="#id_full_name"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_colour_0"' in html  # first radio of the group
    assert "Enter a valid email address." in html
    assert "These details do not match our records." in html
    assert "#id_nickname" not in html


def test_error_summary_renders_nothing_without_errors() -> None:
    assert (
        render_to_string(
            "components/error_summary.html", {"form": PersonForm()}
        ).strip()
        == ""
    )


def test_field_component_marks_errors_hints_and_optional_fields() -> None:
    form = PersonForm(
        data={"full_name": "", "email": "nope", "colour": "", "nickname": ""}
    )
    form.is_valid()
    with translation.override("en"):
        html = render_to_string("components/form.html", {"form": form})
    assert "novalidate" in html
    assert '<label class="label" for="id_full_name">' in html
    assert 'id="id_full_name_error"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'autocomplete="email"' in html
    assert "<fieldset" in html and "<legend" in html
    assert "(optional)" in html
    assert html.count("(optional)") == 1  # only the nickname
    assert "placeholder" not in html


def test_one_time_code_field_allows_paste_and_numeric_entry() -> None:
    from allauth.mfa.base.forms import AuthenticateForm

    form = AuthenticateForm(user=None)
    html = render_to_string("components/field.html", {"field": form["code"]})
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert "onpaste" not in html


def test_summary_list_shows_not_provided_and_change_links() -> None:
    rows = [
        {"key": "Name", "value": "Tanaka", "href": "/x"},
        {"key": "Phone", "value": ""},
    ]
    with translation.override("en"):
        html = render_to_string("components/summary_list.html", {"rows": rows})
    assert "Not provided" in html
    assert '<a href="/x">Change<span class="visually-hidden"> Name</span></a>' in html


# --- dashboard and inbox -----------------------------------------------------


@pytest.mark.django_db
def test_dashboard_requires_sign_in(client: Client) -> None:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_inbox_lists_only_own_notifications(client: Client) -> None:
    alice = make_user("alice")
    bob = make_user("bob")
    Notification.objects.create(
        recipient=alice, kind="mfa_enabled", link="/accounts/2fa/"
    )
    bobs = Notification.objects.create(
        recipient=bob, kind="mfa_enabled", link="/accounts/2fa/"
    )
    client.cookies.load({"django_language": "en"})
    client.force_login(alice)

    html = client.get(reverse("notifications:inbox")).content.decode()
    assert html.count("Two-step verification is now on for your account") == 1
    assert str(bobs.code) not in html
    assert "Unread" in html

    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Two-step verification is now on for your account" in dashboard
    assert 'class="count-badge" aria-hidden="true">1<' in dashboard


@pytest.mark.django_db
def test_notification_detail_of_another_user_is_404(client: Client) -> None:
    alice = make_user("alice")
    bob = make_user("bob")
    bobs = Notification.objects.create(recipient=bob, kind="mfa_enabled")
    client.force_login(alice)
    response = client.get(reverse("notifications:detail", args=[bobs.code]))
    assert response.status_code == 404
    assert_page_furniture(response.content.decode())


@pytest.mark.django_db
def test_notification_detail_shows_subject_body_and_link(client: Client) -> None:
    alice = make_user("alice", full_name="Alice Example")
    note = Notification.objects.create(
        recipient=alice, kind="mfa_enabled", link="/accounts/2fa/"
    )
    client.cookies.load({"django_language": "en"})
    client.force_login(alice)
    html = client.get(
        reverse("notifications:detail", args=[note.code])
    ).content.decode()
    assert (
        '<h1 id="message-heading">Two-step verification is now on for your account</h1>'
        in html
    )
    # The message as web content: its paragraphs and a button, not the email
    # (no greeting, no raw address, no "do not reply").
    assert "Keep your recovery codes somewhere safe." in html
    assert "Dear Alice Example," not in html
    assert "Please do not reply" not in html
    assert '<a href="/accounts/2fa/" class="button" role="button"' in html
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_mark_all_read(client: Client) -> None:
    alice = make_user("alice")
    Notification.objects.create(recipient=alice, kind="mfa_enabled")
    client.force_login(alice)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert response.status_code == 200
    assert not Notification.objects.filter(
        recipient=alice, read_at__isnull=True
    ).exists()
    assert 'role="status"' in response.content.decode()


# --- development mailbox -----------------------------------------------------


@pytest.mark.django_db
def test_dev_mailbox_is_404_when_debug_is_off(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    assert client.get(reverse("notifications:dev_mailbox")).status_code == 404


@pytest.mark.django_db
def test_dev_mailbox_lists_and_shows_a_message(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.DEBUG = True
    settings.DEV_MAILBOX_DIR = tmp_path
    message = EmailMultiAlternatives(
        subject="Your receipt", body="Plain body", to=["hr@example.jp"]
    )
    message.attach_alternative('<p style="color:red">HTML body</p>', "text/html")
    MailboxBackend(directory=str(tmp_path)).send_messages([message])

    listing = client.get(reverse("notifications:dev_mailbox"))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "Your receipt" in html
    assert "hr@example.jp" in html
    message_id = next(tmp_path.glob("*.eml")).stem
    detail = client.get(reverse("notifications:dev_mailbox_message", args=[message_id]))
    body = detail.content.decode()
    assert "Plain body" in body
    assert "&lt;p style=&quot;color:red&quot;&gt;" in body  # escaped source
    assert '<p style="color:red">' not in body


# --- error pages ---------------------------------------------------------------


@pytest.mark.django_db
def test_404_page_uses_the_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_page_furniture(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template", ["400.html", "403.html", "403_csrf.html", "429.html"]
)
def test_error_pages_use_the_layout(rf: Any, template: str) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    with translation.override("en"):
        html = render_to_string(template, request=request)
    assert_page_furniture(html)
    assert html.count("<h1>") == 1


def test_500_page_renders_without_context_processors() -> None:
    html = render_to_string("500.html", {"request_id": "abc123def456"})
    assert "abc123def456" in html
    assert "エラー" in html and "Error" in html


# --- demo code -----------------------------------------------------------------


@pytest.mark.django_db
def test_demo_totp_code_only_for_demo_accounts_in_debug(settings: Any) -> None:
    from allauth.mfa.totp.internal.auth import validate_totp_code

    from portal.pages.templatetags.portal_tags import demo_totp_code

    demo = make_user("demo-staff")
    real = make_user("tanaka")
    settings.DEBUG = False
    assert demo_totp_code(demo) == ""
    settings.DEBUG = True
    assert demo_totp_code(real) == ""
    code = demo_totp_code(demo)
    assert re.fullmatch(r"\d{6}", code)
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    secret = get_adapter().decrypt(
        Authenticator.objects.get(user=demo, type="totp").data["secret"]
    )
    assert validate_totp_code(secret, code)


# --- emails ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
def test_mfa_enabled_email_renders_in_both_languages(language: str) -> None:
    from portal.lib.emails import render_email

    user = make_user("alice", full_name="Alice & Co")
    email = render_email(
        "mfa_enabled", {"recipient": user, "link": "/accounts/2fa/"}, language
    )
    assert email.subject
    assert "\n" not in email.subject
    assert "Alice & Co" in email.text  # plain text is not HTML-escaped
    assert "Alice &amp; Co" in email.html
    assert "/accounts/2fa/" in email.text and "/accounts/2fa/" in email.html
    assert f'<html lang="{language}">' in email.html


@pytest.mark.django_db
def test_password_reset_email_uses_the_portal_wording(client: Client) -> None:
    from django.core import mail

    make_user("alice")
    client.cookies.load({"django_language": "en"})
    response = client.post(
        reverse("account_reset_password"), {"email": "alice@example.jp"}
    )
    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if m.to == ["alice@example.jp"]]
    assert "Set a new password for the online residence application portal" in (
        message.subject
    )
    assert "Your user ID: alice" in message.body
    assert "/accounts/password/reset/key/" in message.body
    assert "sign up" not in message.body.lower()
