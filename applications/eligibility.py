"""Eligibility rules for filing an application online — pure functions.

Each rule looks at a ``Filing`` (plain values gathered by the caller from the
database and the form) and returns ``None`` or a ``Failure`` naming the rule
and saying what to do.  ``check`` runs them all and returns every failure, so
the user sees all problems at once.  Nothing here touches the database.

Sources: PRODUCT.md §2.2; domain-facts §1–2 (excluded statuses, windows, the
special period).  Where the facts are unverified the rule says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dateutil.relativedelta import relativedelta

from applications.application_forms import online_scope
from applications.application_forms.online_scope import issues_residence_card
from applications.periods import parse_period

COE = "coe"
CHANGE = "change"
EXTENSION = "extension"
ACQUISITION = "acquisition"
AUTHORIZED_EMPLOYMENT = "authorized_employment"
REENTRY = "reentry"
OTHER_ACTIVITY = "other_activity"

REENTRY_MAX_YEARS = 5
EXTENSION_WINDOW_MONTHS = 3
ACQUISITION_DAYS = 30
SPECIAL_PERIOD_MONTHS = 2


@dataclass(frozen=True)
class StatusFacts:
    code: str
    table: str  # "I" or "II"
    online_eligible: bool
    activity_restricted: bool
    periods: tuple[str, ...] = ()
    subcategory_online_eligible: bool = True


@dataclass(frozen=True)
class Filing:
    """What is being filed, by whom, for whom, and when."""

    application_type: str
    today: date
    user_in_scope: bool = True
    user_can_file: bool = True
    companions: tuple[str, ...] = ()
    current_status: StatusFacts | None = None  # the status held now (in Japan)
    target_status: StatusFacts | None = None  # the status applied for
    current_period: str | None = None  # the period of stay granted now, e.g. "1y"
    expiry: date | None = None  # the current period of stay ends on this day
    requested_period: str | None = None
    event_date: date | None = None  # acquisition: birth, loss of nationality …
    has_residence_card: bool = False
    reentry_until: date | None = None
    missing_documents: tuple[str, ...] = field(default=())
    # The page "What is applied for" was saved at least once.
    application_page_saved: bool = True
    # The 申請書 sections not complete yet: (section key, title).
    incomplete_form_sections: tuple[tuple[str, str], ...] = ()
    # Who may file what online beyond the status (``online_scope``).
    scope: online_scope.ScopeFacts | None = None
    # Why no office receives it ("" when one does): ``office_none`` or
    # ``address_no_prefecture``.
    office_problem: str = ""


@dataclass(frozen=True)
class Failure:
    rule: str
    message: Promise | str
    field: str = ""  # the form field or page the user should fix


IN_JAPAN_TYPES = {CHANGE, EXTENSION, ACQUISITION, AUTHORIZED_EMPLOYMENT}
TAKES_COMPANIONS = {CHANGE, EXTENSION, ACQUISITION}
EXPIRY_BOUND_TYPES = {CHANGE, EXTENSION}


def _status_after(f: Filing) -> StatusFacts | None:
    """The status the person holds once the main application is granted."""
    if f.application_type in (CHANGE, ACQUISITION, COE):
        return f.target_status
    return f.current_status


def rule_scope(f: Filing) -> Failure | None:
    if not f.user_in_scope:
        return Failure(
            "scope",
            _(
                "You can file only for foreign nationals of organisations you work for "
                "or are appointed by. Choose a person on one of your organisations' rosters."
            ),
        )
    if not f.user_can_file:
        return Failure(
            "account_active",
            _(
                "Your account is suspended or its approval has expired, so you can read "
                "but not file. File the periodic report or contact your immigration office."
            ),
        )
    return None


def rule_status_online(f: Filing) -> Failure | None:
    statuses = []
    if f.application_type in IN_JAPAN_TYPES and f.application_type != ACQUISITION:
        statuses.append(("current_status", f.current_status))
    if f.application_type in (COE, CHANGE, ACQUISITION):
        statuses.append(("target_status", f.target_status))
    for field_name, status in statuses:
        if status is None:
            return Failure(
                "status_missing",
                _("Choose the status of residence."),
                field_name,
            )
        if not (status.online_eligible and status.subcategory_online_eligible):
            return Failure(
                "status_online",
                _(
                    "This status of residence cannot be handled online (for example "
                    "Diplomat, Temporary Visitor or Designated Activities for preparation "
                    "of departure). File this application at the immigration office counter."
                ),
                field_name,
            )
    return None


def rule_companions_only_with_main(f: Filing) -> Failure | None:
    if f.companions and f.application_type not in TAKES_COMPANIONS:
        return Failure(
            "companions",
            _(
                "Re-entry and permission for other activity can be filed online only "
                "together with a change of status, an extension or an acquisition. "
                "Remove them, or file them at the counter."
            ),
            "companions",
        )
    return None


def rule_other_activity_not_table_ii(f: Filing) -> Failure | None:
    status = _status_after(f)
    if (
        OTHER_ACTIVITY in f.companions
        and status is not None
        and not status.activity_restricted
    ):
        return Failure(
            "other_activity_table_ii",
            _(
                "Permission for other activity is not needed for this status: its "
                "activities are not restricted (Appended Table II). Remove it."
            ),
            "companions",
        )
    return None


def _period_end(f: Filing) -> date | None:
    """The last day the person may stay once the main application is granted
    (as far as can be known when filing)."""
    if f.expiry is None:
        return None
    if f.application_type in (EXTENSION, CHANGE) and f.requested_period:
        try:
            period = parse_period(f.requested_period)
        except ValueError:
            return f.expiry
        if period.is_fixed_length:
            return f.expiry + relativedelta(
                years=period.years, months=period.months, days=period.days
            )
        return None
    return f.expiry


def rule_reentry_validity(f: Filing) -> Failure | None:
    if REENTRY not in f.companions:
        return None
    if f.reentry_until is None:
        return Failure(
            "reentry_validity_missing",
            _("Enter until when the re-entry permit should be valid."),
            "reentry_until",
        )
    if f.reentry_until <= f.today:
        return Failure(
            "reentry_validity_past",
            _("The re-entry permit must be valid until a date after today."),
            "reentry_until",
        )
    if f.reentry_until > f.today + relativedelta(years=REENTRY_MAX_YEARS):
        return Failure(
            "reentry_max_5_years",
            _(
                "A re-entry permit is valid for at most 5 years. Choose an earlier date."
            ),
            "reentry_until",
        )
    end = _period_end(f)
    if end is not None and f.reentry_until > end:
        return Failure(
            "reentry_within_stay",
            _(
                "A re-entry permit cannot be valid beyond the period of stay. Choose a "
                "date on or before the last day of the period of stay."
            ),
            "reentry_until",
        )
    return None


def rule_not_after_expiry(f: Filing) -> Failure | None:
    if (
        f.application_type in EXPIRY_BOUND_TYPES
        and f.expiry is not None
        and f.today > f.expiry
    ):
        return Failure(
            "after_expiry",
            _(
                "The period of stay has already ended, so this cannot be filed. Contact "
                "the immigration office about the person's situation without delay."
            ),
            "expiry",
        )
    return None


def rule_not_last_day(f: Filing) -> Failure | None:
    if f.application_type in EXPIRY_BOUND_TYPES and f.expiry == f.today:
        return Failure(
            "last_day",
            _(
                "Applications cannot be filed online on the last day of the period of "
                "stay. File it at the immigration office counter today."
            ),
            "expiry",
        )
    return None


def extension_window_opens(*, expiry: date, current_period: str | None) -> date | None:
    """The first day an extension may be filed: 3 months before ``expiry``
    for a fixed period of stay of 6 months or more.  None when no window is
    published for the period (shorter periods, domain-facts §2.2) or the
    period is not known or not fixed."""
    if not current_period:
        return None
    try:
        period = parse_period(current_period)
    except ValueError:
        return None
    months = period.years * 12 + period.months
    if period.is_fixed_length and months >= 6:
        return expiry - relativedelta(months=EXTENSION_WINDOW_MONTHS)
    return None


def rule_extension_window(f: Filing) -> Failure | None:
    if f.application_type != EXTENSION or f.expiry is None:
        return None
    # The 3-month window is the published rule for periods of 6 months or more;
    # shorter periods have no published window (domain-facts §2.2), so none is
    # enforced for them.
    opens = extension_window_opens(expiry=f.expiry, current_period=f.current_period)
    if opens is not None and f.today < opens:
        return Failure(
            "extension_window",
            _(
                "An extension can be filed from 3 months before the period of stay "
                "ends. You can file it from %(date)s."
            )
            % {"date": date_format(opens, "DATE_FORMAT")},
            "expiry",
        )
    return None


def rule_acquisition_30_days(f: Filing) -> Failure | None:
    if f.application_type != ACQUISITION:
        return None
    if f.event_date is None:
        return Failure(
            "acquisition_event_missing",
            _("Enter the date of the event (birth, loss of Japanese nationality …)."),
            "event_date",
        )
    if f.event_date > f.today:
        return Failure(
            "acquisition_event_future",
            _("The date of the event cannot be in the future."),
            "event_date",
        )
    if (f.today - f.event_date).days > ACQUISITION_DAYS:
        return Failure(
            "acquisition_30_days",
            _(
                "Permission to acquire a status must be applied for within 30 days of the "
                "event. It is more than 30 days ago: consult the immigration office."
            ),
            "event_date",
        )
    return None


def rule_requested_period_allowed(f: Filing) -> Failure | None:
    if f.application_type not in (COE, CHANGE, EXTENSION, ACQUISITION):
        return None
    status = _status_after(f)
    if status is None or not status.periods:
        return None
    if not f.requested_period:
        return Failure(
            "period_missing",
            _("Choose the period of stay you apply for."),
            "requested_period",
        )
    if f.requested_period not in status.periods:
        return Failure(
            "period_not_allowed",
            _(
                "This period of stay is not one of those allowed for the status. Choose one of the listed periods."
            ),
            "requested_period",
        )
    return None


def rule_residence_card(f: Filing) -> Failure | None:
    # 公用 (and 外交) holders have no residence card (入管法19条の3).
    holds_card = f.current_status is None or issues_residence_card(
        f.current_status.code
    )
    needs_card = f.application_type in (CHANGE, EXTENSION, AUTHORIZED_EMPLOYMENT)
    if needs_card and holds_card and not f.has_residence_card:
        return Failure(
            "card_required",
            _(
                "Enter the person's residence card number: it is needed for applications made in Japan."
            ),
            "residence_card_number",
        )
    if f.application_type == COE and f.has_residence_card:
        return Failure(
            "card_absent_for_coe",
            _(
                "A certificate of eligibility is for someone who is not yet in Japan; "
                "a person with a residence card applies for a change of status instead."
            ),
            "residence_card_number",
        )
    return None


def rule_documents(f: Filing) -> Failure | None:
    if f.missing_documents:
        return Failure(
            "documents",
            _("Upload every required document. Still missing: %(documents)s.")
            % {"documents": "、".join(f.missing_documents)},
            "documents",
        )
    return None


def rule_application_page_answered(f: Filing) -> Failure | None:
    # Without this an application whose page asks nothing that another rule
    # checks (a certificate of authorised employment) could be sent with the
    # page never answered.
    if not f.application_page_saved:
        return Failure(
            "application_not_answered",
            _("Answer the questions on the page “What is applied for”."),
            "application_page",
        )
    return None


def rule_online_scope(f: Filing) -> Failure | None:
    if f.scope is None:
        return None
    refusals = online_scope.check(f.scope)
    if not refusals:
        return None
    field_name = (
        "target_status"
        if f.application_type in (COE, CHANGE, ACQUISITION)
        else "current_status"
    )
    return Failure(refusals[0].code, refusals[0].message, field_name)


def rule_receiving_office(f: Filing) -> Failure | None:
    if f.office_problem == "address_no_prefecture":
        return Failure(
            "address_no_prefecture",
            _(
                "Enter the person's address in Japan starting with the prefecture "
                "(for example 愛知県名古屋市…): it decides which immigration office "
                "receives the application."
            ),
            "address_in_japan",
        )
    if f.office_problem:
        return Failure(
            "office_none",
            _(
                "No immigration office takes this application online for this address. "
                "Check the address, or ask the regional immigration services bureau."
            ),
            "address_in_japan",
        )
    return None


def form_section_failures(f: Filing) -> list[Failure]:
    """One failure per 申請書 section not complete, linking to its page."""
    return [
        Failure(
            "form_section_incomplete",
            _("Complete the section “%(section)s” of the application form.")
            % {"section": title},
            f"form-{key}",
        )
        for key, title in f.incomplete_form_sections
    ]


RULES: tuple[Callable[[Filing], Failure | None], ...] = (
    rule_scope,
    rule_status_online,
    rule_online_scope,
    rule_application_page_answered,
    rule_companions_only_with_main,
    rule_other_activity_not_table_ii,
    rule_not_after_expiry,
    rule_not_last_day,
    rule_extension_window,
    rule_acquisition_30_days,
    rule_requested_period_allowed,
    rule_residence_card,
    rule_reentry_validity,
    rule_receiving_office,
    rule_documents,
)


def check(filing: Filing) -> list[Failure]:
    """Every rule the filing breaks, in the order the user meets them."""
    found = [failure for rule in RULES if (failure := rule(filing)) is not None]
    return found + form_section_failures(filing)


def special_period_end(
    *, application_type: str, expiry: date | None, current_period: str | None
) -> date | None:
    """The last day of the special period (特例期間) a timely change or
    extension gives: the person may stay until the decision or this day,
    whichever is earlier.  None when it does not apply (other types, stays of
    30 days or less)."""
    if application_type not in (CHANGE, EXTENSION) or expiry is None:
        return None
    if current_period:
        try:
            period = parse_period(current_period)
        except ValueError:
            period = None
        if period is not None and period.is_fixed_length:
            days = period.years * 366 + period.months * 31 + period.days
            if days <= 30:
                return None
    return expiry + relativedelta(months=SPECIAL_PERIOD_MONTHS)
