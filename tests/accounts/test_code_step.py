"""Issue 12 item 10: the code step's errors say what to do — never Django's
generic 「このフィールドは必須です。」 — in Japanese and English; a pasted code
with spaces or full-width digits is read as its digits."""

from __future__ import annotations

from django.utils import translation

import pytest

from accounts.forms.mfa import normalize_code
from tests.factories import PASSWORD, UserFactory, password_login, totp_code

pytestmark = pytest.mark.django_db

AUTHENTICATE = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _no_language_left_active():
    yield
    translation.deactivate_all()


def _at_code_step(client, language):
    user = UserFactory(mfa=True)
    client.cookies["django_language"] = language
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    return user


def _wrong(user) -> str:
    return "000000" if totp_code(user) != "000000" else "111111"


@pytest.mark.parametrize(
    ("code", "language", "expected"),
    [
        (
            "",
            "ja",
            "認証アプリに表示される6桁のコード、又はリカバリーコードの1つを入力",
        ),
        ("", "en", "Enter the 6-digit code from your authenticator app"),
        ("12345", "ja", "確認コードは6桁です（リカバリーコードは8桁）"),
        ("12345", "ja", "コードは30秒ごとに変わります"),
        ("12345", "en", "The code is 6 digits (a recovery code is 8)"),
        ("12345", "en", "Enter the newest code from your authenticator app"),
        ("abcdef", "ja", "確認コードは数字だけです"),
        ("abcdef", "en", "The code is made of digits only"),
    ],
)
def test_a_code_of_the_wrong_shape_says_what_to_do(client, code, language, expected):
    _at_code_step(client, language)
    response = client.post(AUTHENTICATE, {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "このフィールドは必須です" not in html
    assert "This field is required" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", "確認コードが正しくありません。認証アプリに表示されている最新のコード"),
        ("en", "That code is not right. Enter the newest code"),
    ],
)
def test_a_wrong_code_says_to_use_the_newest_one(client, language, expected):
    user = _at_code_step(client, language)
    response = client.post(AUTHENTICATE, {"code": _wrong(user)})
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_a_pasted_code_with_a_space_or_full_width_digits_signs_in(client):
    user = _at_code_step(client, "ja")
    code = totp_code(user)
    pasted = (code[:3] + " " + code[3:]).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    response = client.post(AUTHENTICATE, {"code": pasted})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_normalize_code():
    assert normalize_code("１２３ ４５６") == "123456"
    assert normalize_code("123-456") == "123456"
    assert normalize_code(None) == ""


def test_setting_up_says_the_length_without_recovery_codes(client):
    user = UserFactory()
    password_login(client, user)
    client.cookies["django_language"] = "en"
    client.get("/accounts/2fa/totp/activate/")
    response = client.post("/accounts/2fa/totp/activate/", {"code": "1234"})
    html = response.content.decode()
    assert "The code is 6 digits. Enter the newest code" in html
    assert "recovery code is" not in html
    response = client.post("/accounts/2fa/totp/activate/", {"code": ""})
    assert "Enter the 6-digit code your authenticator app shows." in (
        response.content.decode()
    )
