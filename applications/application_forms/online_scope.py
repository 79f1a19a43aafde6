"""Online-scope rules: who may file what online, beyond "the status is
online-eligible" (``applications.eligibility.rule_status_online``).

Pure functions over ``ScopeFacts``; each returns ``None`` or a ``Refusal``
whose code is worded in ``application_forms.messages``.  ``check`` runs them
all.  Sources: domain-facts §1.1 and §1.3 (ISA's online scope list of
2024-08-07 [S109]; category 3 added for 研究/技人国/企業内転勤/技能 on
2020-04-23 [S113]; 育成就労 from 2027-04-01 [S38][S39][S105]) and §5.1
(cards are not issued to 外交/公用/短期滞在 holders, 入管法19条の3).

``status`` is the status the application is about: the one applied for
(COE, change, acquisition) or held (extension, work certificate, and the
companions filed with them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.lib.errors import DomainError, message_for

COE = "coe"
CHANGE = "change"
EXTENSION = "extension"

# Statuses ISA limits online to organisations of categories 1–3 (verified for
# these four; ISA's list words it per status, so more can be added here).
CATEGORY_LIMITED_STATUSES = frozenset(
    {
        "researcher",
        "engineer_humanities_international",
        "intra_company_transferee",
        "skilled_labor",
    }
)
ONLINE_CATEGORIES = frozenset({1, 2, 3})
SUPERVISED_TITP = frozenset({"i_b", "ii_b", "iii_b"})
# (designated-activities sub-category, application type) pairs ISA's list
# excludes: notice 15 not for extension, the EPA notices not for a COE.
DESIGNATED_EXCLUDED = frozenset({("notice_15", EXTENSION), ("epa", COE)})
SKILL_DEVELOPMENT_START = date(2027, 4, 1)
# 入管法19条の3: no residence card for these statuses.
NO_RESIDENCE_CARD = frozenset({"diplomat", "official", "temporary_visitor"})


@dataclass(frozen=True)
class ScopeFacts:
    application_type: str
    status: str
    today: date
    subcategory: str = ""
    organisation_category: int | None = None
    filer_is_supervising_organisation: bool = False
    # 家族滞在: the supporting person (扶養者).
    supporter_status: str | None = None
    supporter_status_online: bool = False
    supporter_organisation_category: int | None = None


@dataclass(frozen=True)
class Refusal:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return message_for(DomainError(self.code, **self.params))


def status_in_scope(status: str, organisation_category: int | None) -> bool:
    """The organisation-category limit of a status (True when it has none)."""
    return (
        status not in CATEGORY_LIMITED_STATUSES
        or organisation_category in ONLINE_CATEGORIES
    )


def rule_organisation_category(f: ScopeFacts) -> Refusal | None:
    if not status_in_scope(f.status, f.organisation_category):
        return Refusal("scope_organisation_category")
    return None


def rule_supervised_titp(f: ScopeFacts) -> Refusal | None:
    if (
        f.status == "technical_intern_training"
        and f.subcategory in SUPERVISED_TITP
        and not f.filer_is_supervising_organisation
    ):
        return Refusal("scope_supervising_organisation")
    return None


def supporter_in_scope(f: ScopeFacts) -> bool:
    return (
        bool(f.supporter_status)
        and f.supporter_status_online
        and status_in_scope(f.supporter_status or "", f.supporter_organisation_category)
    )


def rule_dependent_supporter(f: ScopeFacts) -> Refusal | None:
    if f.status == "dependent" and not supporter_in_scope(f):
        return Refusal("scope_dependent_supporter")
    return None


def rule_designated_notice(f: ScopeFacts) -> Refusal | None:
    if (
        f.status == "designated_activities"
        and (f.subcategory, f.application_type) in DESIGNATED_EXCLUDED
    ):
        return Refusal("scope_designated_notice")
    return None


def rule_skill_development_start(f: ScopeFacts) -> Refusal | None:
    if (
        f.status == "employment_for_skill_development"
        and f.today < SKILL_DEVELOPMENT_START
    ):
        return Refusal(
            "scope_skill_development_not_yet",
            {"date": SKILL_DEVELOPMENT_START.isoformat()},
        )
    return None


def rule_no_new_titp_coe(f: ScopeFacts) -> Refusal | None:
    if (
        f.application_type == COE
        and f.status == "technical_intern_training"
        and f.today >= SKILL_DEVELOPMENT_START
    ):
        return Refusal(
            "scope_titp_coe_closed", {"date": SKILL_DEVELOPMENT_START.isoformat()}
        )
    return None


RULES: tuple[Callable[[ScopeFacts], Refusal | None], ...] = (
    rule_organisation_category,
    rule_supervised_titp,
    rule_dependent_supporter,
    rule_designated_notice,
    rule_skill_development_start,
    rule_no_new_titp_coe,
)


def check(facts: ScopeFacts) -> list[Refusal]:
    """Every scope rule the filing breaks."""
    return [refusal for rule in RULES if (refusal := rule(facts)) is not None]


def issues_residence_card(status: str | None) -> bool:
    """Whether a grant of ``status`` gives a residence card: not for 外交,
    公用 or 短期滞在 — so neither the card-number rule nor card issuance
    applies to them."""
    return status not in NO_RESIDENCE_CARD
