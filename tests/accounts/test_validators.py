"""The request-for-use validators, table-tested: what people type, what is
stored, and what is refused (with which error code)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

import pytest

from accounts import validators

# Real corporate numbers (National Tax Agency register; domain-facts §5.2
# worked examples) and the same numbers with an altered check digit or body.
CORPORATE_NUMBERS = [
    # (typed, stored or None when refused, error code)
    ("4011001098993", "4011001098993", None),
    ("7123456789012", "7123456789012", None),
    ("2120901007402", "2120901007402", None),
    ("5835678256246", "5835678256246", None),  # python-stdnum's own example
    ("４０１１００１０９８９９３", "4011001098993", None),  # full-width digits
    ("4-0110-0109-8993", "4011001098993", None),  # the NTA's printed grouping
    ("4－0110－0109－8993", "4011001098993", None),  # full-width hyphens
    ("4ー0110ー0109ー8993", "4011001098993", None),  # IME prolonged sound mark
    ("4‐0110―0109−8993", "4011001098993", None),  # hyphen look-alikes
    (" 4 0110 0109 8993 ", "4011001098993", None),  # spaces
    ("4\u30000110\u300001098993", "4011001098993", None),  # ideographic spaces
    ("5011001098993", None, "check_digit"),  # check digit altered
    ("3011001098993", None, "check_digit"),
    ("8123456789012", None, "check_digit"),
    ("1120901007402", None, "check_digit"),
    ("4011001098994", None, "check_digit"),  # a body digit altered
    ("4011001098939", None, "check_digit"),  # two body digits swapped
    ("0011001098993", None, "check_digit"),  # the check digit is never 0
    ("401100109899", None, "format"),  # 12 digits
    ("40110010989930", None, "format"),  # 14 digits
    ("40110010989A3", None, "format"),
    ("", None, "format"),
    ("abcdefghijklm", None, "format"),
]


@pytest.mark.parametrize(("typed", "stored", "code"), CORPORATE_NUMBERS)
def test_corporate_number(typed, stored, code):
    if code is None:
        assert validators.clean_corporate_number(typed) == stored
    else:
        with pytest.raises(ValidationError) as exc:
            validators.clean_corporate_number(typed)
        assert exc.value.code == code


POSTAL_CODES = [
    ("100-0001", "100-0001", None),
    ("1000001", "100-0001", None),
    ("１００－０００１", "100-0001", None),
    ("１０００００１", "100-0001", None),
    ("〒100-0001", "100-0001", None),
    ("〒 100ー0001", "100-0001", None),
    (" 060−0042 ", "060-0042", None),
    ("100 0001", "100-0001", None),
    ("10-00001", None, "invalid"),  # hyphen in the wrong place
    ("100-001", None, "invalid"),  # 6 digits
    ("100-00011", None, "invalid"),  # 8 digits
    ("ABC-DEFG", None, "invalid"),
    ("", None, "invalid"),
]


@pytest.mark.parametrize(("typed", "stored", "code"), POSTAL_CODES)
def test_postal_code(typed, stored, code):
    if code is None:
        assert validators.clean_postal_code(typed) == stored
    else:
        with pytest.raises(ValidationError) as exc:
            validators.clean_postal_code(typed)
        assert exc.value.code == code


PHONES = [
    ("03-1234-5678", "03-1234-5678", None),
    ("0312345678", "0312345678", None),
    ("090-1234-5678", "090-1234-5678", None),
    ("０３－１２３４－５６７８", "03-1234-5678", None),
    ("03ー1234ー5678", "03-1234-5678", None),
    ("03(1234)5678", "03-1234-5678", None),
    ("（03）1234-5678", "03-1234-5678", None),
    ("03 1234 5678", "0312345678", None),
    ("+81-3-1234-5678", "03-1234-5678", None),
    ("+81 (0)3 1234 5678", "0312345678", None),
    ("0120-123-456", "0120-123-456", None),
    ("03--1234-5678", "03-1234-5678", None),
    ("3-1234-5678", None, "invalid"),  # no leading 0
    ("03-1234-567", None, "invalid"),  # 9 digits
    ("090-1234-56789", None, "invalid"),  # 12 digits
    ("03-1234-567a", None, "invalid"),
    ("tel:0312345678", None, "invalid"),
    ("", None, "invalid"),
]


@pytest.mark.parametrize(("typed", "stored", "code"), PHONES)
def test_phone(typed, stored, code):
    if code is None:
        assert validators.clean_phone(typed) == stored
    else:
        with pytest.raises(ValidationError) as exc:
            validators.clean_phone(typed)
        assert exc.value.code == code


KANA = [
    ("ヤマダ タロウ", "ヤマダ\u3000タロウ", None),
    ("やまだ たろう", "ヤマダ\u3000タロウ", None),  # hiragana
    ("やまだ\u3000たろう", "ヤマダ\u3000タロウ", None),  # ideographic space
    ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ", None),  # half-width, voiced mark joined
    ("  サトウ   ハナコ  ", "サトウ\u3000ハナコ", None),
    ("ジョン・スミス", "ジョン・スミス", None),
    ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス", None),
    ("ゔぃんせんと", "ヴィンセント", None),
    ("いすゞ", "イスヾ", None),  # iteration mark
    ("コーヒー", "コーヒー", None),
    ("山田 太郎", None, "invalid"),  # kanji
    ("Yamada Taro", None, "invalid"),
    ("ヤマダ1", None, "invalid"),
    ("", None, "invalid"),
]


@pytest.mark.parametrize(("typed", "stored", "code"), KANA)
def test_kana(typed, stored, code):
    if code is None:
        assert validators.clean_kana(typed) == stored
    else:
        with pytest.raises(ValidationError) as exc:
            validators.clean_kana(typed)
        assert exc.value.code == code


TEXT = [
    ("株式会社ＡＢＣ", "株式会社ABC"),
    ("㈱テスト", "(株)テスト"),
    ("  Acme\u3000 Co.,  Ltd. ", "Acme Co., Ltd."),
    ("ﾃｽﾄ商事", "テスト商事"),
    ("千代田区１－１", "千代田区1-1"),
    ("\ufa19田 太郎", "\ufa19田 太郎"),  # a compatibility kanji in a name is kept
    ("ｶﾞ\ufa19ｶﾞ", "ガ\ufa19ガ"),  # and the text around it is still normalised
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize(("typed", "stored"), TEXT)
def test_normalize_text(typed, stored):
    assert validators.normalize_text(typed) == stored


def test_messages_tell_what_to_do():
    with pytest.raises(ValidationError) as exc:
        validators.clean_corporate_number("5011001098993")
    assert "check digit" in str(exc.value.messages[0])
    with pytest.raises(ValidationError) as exc:
        validators.clean_postal_code("12")
    assert "100-0001" in str(exc.value.messages[0])
