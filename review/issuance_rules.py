"""The rules of issuance, as pure functions of the case (like
``applications.eligibility``): what is issued (a residence card or
certificates), whether the current card is exchanged, the new card's expiry,
how the result may be returned, the shape of a tracking number, and the fee
lines.  Table-tested in ``tests/review/test_issuance_rules.py``."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from applications.application_forms.online_scope import issues_residence_card
from applications.models import Application, Fee
from applications.periods import parse_period
from applications.selectors import fee_for
from review.errors import FeeUnknown
from review.models import Certificate, Decision, Dispatch

Kind = Certificate.Kind

# Application types whose grant gives a new residence card (a child born in
# Japan gets its first card on acquisition); the others give a certificate.
CARD_TYPES = frozenset({"change", "extension", "acquisition"})
# Types for which the current card is exchanged for the new one.
CARD_EXCHANGE_TYPES = frozenset({"change", "extension"})
CERTIFICATE_FOR_TYPE: dict[str, str] = {
    "coe": Kind.COE,
    "authorized_employment": Kind.AUTHORIZED_EMPLOYMENT,
    "reentry": Kind.REENTRY,
    "other_activity": Kind.OTHER_ACTIVITY,
}
# A stay of 3 months or less gets no residence card (入管法19条の3).
CARD_MIN_STAY = relativedelta(months=3)
# An indefinite period (permanent residence, HSP (ii)) has a card valid for
# 7 years from issue (16 and older).
INDEFINITE_CARD_VALIDITY = relativedelta(years=7)
# The COE loses effect 3 months after issue (domain facts §2.1).
COE_VALIDITY = relativedelta(months=3)

RETURN_METHODS_CARD = (
    Dispatch.Method.REGISTERED_MAIL,
    Dispatch.Method.LETTER_PACK,
    Dispatch.Method.COUNTER,
)
RETURN_METHODS_CERTIFICATE = (Dispatch.Method.EMAIL, *RETURN_METHODS_CARD)
TRACKED_METHODS = frozenset(
    {Dispatch.Method.REGISTERED_MAIL, Dispatch.Method.LETTER_PACK}
)


def issues_card(application: Application, decision: Decision | None) -> bool:
    """A new residence card is issued for a change, extension or
    acquisition granted for more than 3 months."""
    if application.application_type.code not in CARD_TYPES:
        return False
    if not issues_residence_card(card_status_code(application, decision)):
        return False  # 外交, 公用: no residence card
    if decision is None or not decision.granted_period:
        return True
    try:
        period = parse_period(decision.granted_period)
    except ValueError:
        return True
    if not period.is_fixed_length:
        return True
    as_delta = relativedelta(years=period.years, months=period.months, days=period.days)
    start = date(2000, 1, 1)
    return start + as_delta > start + CARD_MIN_STAY


def card_status_code(application: Application, decision: Decision | None) -> str:
    """The code of the status a grant gives: the decision's, else the one
    applied for, else the person's current one ("" when none is known)."""
    status = getattr(decision, "granted_status", None)
    if status is None:
        status = getattr(application, "target_status", None)
    if status is None:
        status = getattr(application.foreign_national, "current_status", None)
    return str(status.code) if status is not None else ""


def needs_current_card(application: Application) -> bool:
    """The current card is sent in and exchanged (change, extension — when
    the person has a card on record)."""
    return application.application_type.code in CARD_EXCHANGE_TYPES and bool(
        application.foreign_national.residence_card_number
    )


def certificate_kinds(
    application: Application, companions: Iterable[Application]
) -> list[str]:
    """The certificates issued on ISSUE for the main application and its
    companions (the decision notice is made on approval)."""
    kinds: list[str] = []
    for each in (application, *companions):
        kind = CERTIFICATE_FOR_TYPE.get(each.application_type.code)
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def electronic_only(application: Application) -> bool:
    """Nothing physical to send back: only certificates (COE, authorized
    employment) may go by email."""
    return application.application_type.code not in CARD_TYPES


def return_methods(application: Application) -> tuple[str, ...]:
    """How the result may come back: email only for certificates."""
    return (
        RETURN_METHODS_CERTIFICATE
        if electronic_only(application)
        else RETURN_METHODS_CARD
    )


def sending_methods(application: Application) -> tuple[str, ...]:
    """The ways the office sends the result: the return methods without the
    counter, which is a handover, not a way of sending."""
    return tuple(m for m in return_methods(application) if m != Dispatch.Method.COUNTER)


def card_expiry(
    *, application: Application, decision: Decision, decided_on: date
) -> date:
    """The expiry printed on the new card.

    * Extension: the new period counts from the day after the current expiry
      (also when granted during the special period), so it ends on the
      current expiry plus the period.
    * Change and acquisition: the period counts from the day of permission,
      so it ends the day before the same date one period later.
    * A designated period ("designated-5y") counts as its maximum; an
      indefinite period gives the card's own validity of 7 years from issue.
    """
    period = parse_period(decision.granted_period)
    if not period.is_fixed_length:
        return decided_on + INDEFINITE_CARD_VALIDITY
    expiry = period_expiry(
        application=application, decision=decision, decided_on=decided_on
    )
    return expiry if expiry is not None else decided_on + INDEFINITE_CARD_VALIDITY


def period_expiry(
    *,
    application: Application,
    decision: Decision,
    decided_on: date,
    current_expiry: date | bool | None = True,
) -> date | None:
    """The last day of the period of stay granted (None: indefinite, or no
    period).  An extension counts from the day after the current expiry
    (``current_expiry``; by default the person record's, which issuance
    replaces); a change or acquisition from the day of permission."""
    if not decision.granted_period:
        return None
    period = parse_period(decision.granted_period)
    if not period.is_fixed_length:
        return None
    delta = relativedelta(years=period.years, months=period.months, days=period.days)
    current = (
        application.foreign_national.period_expiry
        if current_expiry is True
        else current_expiry
    )
    if application.application_type.code == "extension" and isinstance(current, date):
        return current + delta
    return decided_on + delta - timedelta(days=1)


def normalize_tracking_number(value: str) -> str | None:
    """Japan Post tracking numbers: 11 to 13 digits, printed in groups
    ("1234-5678-9012").  Returns the digits, or None for another shape.
    Full-width digits and hyphens are accepted."""
    text = unicodedata.normalize("NFKC", value or "")
    for separator in ("-", " ", "‐", "−", "ー"):
        text = text.replace(separator, "")
    if text.isascii() and text.isdigit() and 11 <= len(text) <= 13:
        return text
    return None


@dataclass(frozen=True)
class FeeItem:
    application: Application
    amount: int


def fee_items(
    application: Application, companions: Iterable[Application]
) -> list[FeeItem]:
    """The fee for the main application and for each companion (re-entry by
    its single/multiple variant): the online channel's amount in the fee
    table on the day the application was received.  Raises FeeUnknown when
    the table lacks a row."""
    items = []
    for each in (application, *companions):
        received_on = each.received_on or application.received_on
        if received_on is None:
            raise FeeUnknown(f"application {each.pk} has no date of receipt")
        try:
            amount = fee_for(
                application_type=each.application_type,
                variant=each.reentry_variant or "",
                channel=Fee.Channel.ONLINE,
                received_on=received_on,
            )
        except Fee.DoesNotExist as exc:
            raise FeeUnknown(str(exc)) from None
        items.append(FeeItem(application=each, amount=amount))
    return items
