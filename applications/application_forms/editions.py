"""The form editions, composed from the shared sections, and the registry
that finds the edition in force.

ISA publishes one form per application type and status group (COE, change
and extension) and one form each for acquisition, the certificate of
authorised employment, re-entry and other activity.  Every edition here is
dated from 2026-01-05, the day the new online system aligned its input
screens with the paper forms (domain-facts §4.1, §4.4); the paper forms' own
revision dates were not verified.  A revision is a new ``FormEdition`` with
a new key and ``valid_from``; the old one gets ``valid_until`` and stays in
the registry so that stored answers render with the edition they were filed
under.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from applications.application_forms import sections as s
from applications.application_forms.codes import status_group
from applications.application_forms.schema import FormEdition, Section
from portal.lib.errors import DomainError

COE = "coe"
CHANGE = "change"
EXTENSION = "extension"
ACQUISITION = "acquisition"
AUTHORIZED_EMPLOYMENT = "authorized_employment"
REENTRY = "reentry"
OTHER_ACTIVITY = "other_activity"

NEW_SYSTEM = date(2026, 1, 5)
# 育成就労 replaces 技能実習 (domain-facts §1.1): no new technical intern
# training COE from that day, the new status's forms from then on.
SKILL_DEVELOPMENT_START = date(2027, 4, 1)

TYPE_TITLES = {
    COE: ("在留資格認定証明書交付申請書", "Application for Certificate of Eligibility"),
    CHANGE: ("在留資格変更許可申請書", "Application for Change of Status of Residence"),
    EXTENSION: (
        "在留期間更新許可申請書",
        "Application for Extension of Period of Stay",
    ),
    ACQUISITION: (
        "在留資格取得許可申請書",
        "Application for Permission to Acquire Status of Residence",
    ),
    AUTHORIZED_EMPLOYMENT: (
        "就労資格証明書交付申請書",
        "Application for Certificate of Authorized Employment",
    ),
    REENTRY: ("再入国許可申請書", "Application for Re-entry Permit"),
    OTHER_ACTIVITY: (
        "資格外活動許可申請書",
        "Application for Permission to Engage in Activity Other Than That Permitted",
    ),
}
# Only the two numbers seen on the published forms (domain-facts §4.5b).
FORM_NUMBERS = {COE: "別記第六号の三様式", EXTENSION: "別記第三十号の二様式"}

_APPLICANT_1: dict[str, tuple[Section, ...]] = {
    COE: (
        s.IDENTITY_WITH_PLACE_OF_BIRTH,
        s.CONTACT_COE,
        s.PASSPORT,
        s.COE_ENTRY,
        s.CRIMINAL_RECORD.renumbered(
            {"criminal_record": "19", "criminal_record_detail": "19"}
        ),
        s.DEPORTATION,
        s.FAMILY_IN_JAPAN_COE,
    ),
    # Items 1–16 read on ISA's published change form: like the extension form
    # with the place of birth (5) and the desired status and period (13).
    CHANGE: (
        s.IDENTITY_WITH_PLACE_OF_BIRTH,
        s.CONTACT_IN_JAPAN.renumbered(
            {"address_in_japan": "9", "phone": "", "mobile_phone": ""}
        ),
        s.PASSPORT,
        s.CURRENT_STAY,
        s.CHANGE_REQUEST,
        s.CRIMINAL_RECORD,
        s.FAMILY_IN_JAPAN,
    ),
    EXTENSION: (
        s.IDENTITY,
        s.CONTACT_IN_JAPAN,
        s.PASSPORT,
        s.CURRENT_STAY,
        s.EXTENSION_REQUEST,
        s.CRIMINAL_RECORD,
        s.FAMILY_IN_JAPAN,
    ),
}

# The status-group pages: (applicant part 2, organisation part).
GROUP_PARTS: dict[str, tuple[tuple[Section, ...], tuple[Section, ...]]] = {
    "official": ((s.OFFICIAL, s.REPRESENTATIVE), ()),
    "professor_artist_religious_journalist": (
        (s.PLACE_OF_EMPLOYMENT, s.EDUCATION, s.EMPLOYMENT_HISTORY, s.REPRESENTATIVE),
        (s.CONTRACT, s.ORGANISATION, s.EMPLOYMENT),
    ),
    "highly_skilled_professional": (
        (
            s.HSP_POINTS,
            s.PLACE_OF_EMPLOYMENT,
            s.EDUCATION,
            s.EMPLOYMENT_HISTORY,
            s.REPRESENTATIVE,
        ),
        (s.CONTRACT, s.ORGANISATION, s.EMPLOYMENT, s.DISPATCH),
    ),
    "business_manager": (
        (s.PLACE_OF_EMPLOYMENT, s.EDUCATION, s.EMPLOYMENT_HISTORY, s.REPRESENTATIVE),
        (s.ORGANISATION, s.EMPLOYMENT, s.BUSINESS_PLAN),
    ),
    "work_general": (
        (
            s.PLACE_OF_EMPLOYMENT,
            s.EDUCATION,
            s.IT_QUALIFICATION,
            s.EMPLOYMENT_HISTORY,
            s.REPRESENTATIVE,
        ),
        (s.CONTRACT, s.ORGANISATION, s.EMPLOYMENT, s.DISPATCH),
    ),
    "entertainer": (
        (s.ACTIVITY, s.EMPLOYMENT_HISTORY, s.REPRESENTATIVE),
        (s.CONTRACT, s.ORGANISATION, s.EMPLOYMENT),
    ),
    "specified_skilled_worker": (
        (
            s.SSW,
            s.PLACE_OF_EMPLOYMENT,
            s.EDUCATION,
            s.EMPLOYMENT_HISTORY,
            s.REPRESENTATIVE,
        ),
        (s.CONTRACT, s.ORGANISATION, s.EMPLOYMENT, s.DISPATCH),
    ),
    "technical_intern_training": (
        (s.TITP, s.PLACE_OF_EMPLOYMENT, s.EMPLOYMENT_HISTORY, s.REPRESENTATIVE),
        (s.ORGANISATION, s.EMPLOYMENT),
    ),
    "employment_for_skill_development": (
        (
            s.SKILL_DEVELOPMENT,
            s.PLACE_OF_EMPLOYMENT,
            s.EMPLOYMENT_HISTORY,
            s.REPRESENTATIVE,
        ),
        (s.ORGANISATION, s.EMPLOYMENT),
    ),
    "cultural_trainee": ((s.ACTIVITY, s.EDUCATION, s.FUNDING, s.REPRESENTATIVE), ()),
    "student": (
        (s.STUDY, s.EDUCATION, s.FUNDING, s.REPRESENTATIVE),
        (s.SCHOOL_CONFIRMATION,),
    ),
    "dependent": ((s.SUPPORTER, s.REPRESENTATIVE), ()),
    "designated_activities": ((s.DESIGNATED, s.FUNDING, s.REPRESENTATIVE), ()),
    "spouse_long_term": ((s.SPOUSE_FAMILY, s.REPRESENTATIVE), ()),
}

_SINGLE_FORMS: dict[str, tuple[Section, ...]] = {
    ACQUISITION: (
        s.IDENTITY,
        s.CONTACT_IN_JAPAN,
        s.PASSPORT_OPTIONAL,
        s.ACQUISITION_REQUEST,
        s.FAMILY_IN_JAPAN,
        s.REPRESENTATIVE,
    ),
    AUTHORIZED_EMPLOYMENT: (
        s.IDENTITY,
        s.CONTACT_IN_JAPAN,
        s.PASSPORT,
        s.CURRENT_STAY,
        s.AUTHORIZED_EMPLOYMENT,
        s.REPRESENTATIVE,
    ),
    REENTRY: (
        s.IDENTITY,
        s.CONTACT_IN_JAPAN,
        s.PASSPORT,
        s.CURRENT_STAY,
        s.REENTRY,
        s.CRIMINAL_RECORD,
        s.REPRESENTATIVE,
    ),
    OTHER_ACTIVITY: (
        s.IDENTITY,
        s.CONTACT_IN_JAPAN,
        s.PASSPORT,
        s.CURRENT_STAY,
        s.OTHER_ACTIVITY,
        s.REPRESENTATIVE,
    ),
}

# Groups whose forms exist only from / until a date.
_GROUP_DATES: dict[str, tuple[date, date | None]] = {
    "employment_for_skill_development": (SKILL_DEVELOPMENT_START, None),
}
# The last day a COE for the replaced status is taken.
_COE_UNTIL = {"technical_intern_training": date(2027, 3, 31)}


def _edition_key(application_type: str, group: str, valid_from: date) -> str:
    return f"{application_type}.{group or 'all'}.{valid_from:%Y%m%d}"


def _build() -> list[FormEdition]:
    editions: list[FormEdition] = []
    for application_type, applicant_1 in _APPLICANT_1.items():
        title_ja, title_en = TYPE_TITLES[application_type]
        for group, (applicant_2, organisation) in GROUP_PARTS.items():
            valid_from, valid_until = _GROUP_DATES.get(group, (NEW_SYSTEM, None))
            if application_type == COE:
                valid_until = _COE_UNTIL.get(group, valid_until)
            editions.append(
                FormEdition(
                    key=_edition_key(application_type, group, valid_from),
                    title_ja=title_ja,
                    title_en=title_en,
                    application_types=(application_type,),
                    status_group=group,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    sections=(*applicant_1, *applicant_2, *organisation),
                    form_number=FORM_NUMBERS.get(application_type, ""),
                    # Part 1 of the extension and change forms was read on
                    # ISA's PDFs; the group pages, the organisation part and
                    # the other forms follow secondary sources.
                    unverified=True,
                )
            )
    for application_type, sections in _SINGLE_FORMS.items():
        title_ja, title_en = TYPE_TITLES[application_type]
        editions.append(
            FormEdition(
                key=_edition_key(application_type, "", NEW_SYSTEM),
                title_ja=title_ja,
                title_en=title_en,
                application_types=(application_type,),
                status_group="",
                valid_from=NEW_SYSTEM,
                sections=sections,
                form_number=FORM_NUMBERS.get(application_type, ""),
                unverified=True,
            )
        )
    return editions


class NoEdition(DomainError):
    """No form edition is in force for this type, status and day."""

    default_code = "form_no_edition"


class EditionRegistry:
    """The editions by key (old ones included) and the one in force."""

    def __init__(self, editions: Iterable[FormEdition]) -> None:
        self._by_key: dict[str, FormEdition] = {}
        for edition in editions:
            if edition.key in self._by_key:
                raise ValueError(f"form edition {edition.key!r} defined twice")
            self._by_key[edition.key] = edition

    def __iter__(self) -> Iterator[FormEdition]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def by_key(self, key: str) -> FormEdition:
        """The edition stored answers were filed under (even if replaced)."""
        return self._by_key[key]

    def edition_for(
        self, application_type: str, status_code: str | None, *, on: date
    ) -> FormEdition:
        """The edition in force on ``on`` for the application type and the
        status applied for (COE, change) or held (extension).  Types with one
        form for every status ignore ``status_code``.  Raises ``NoEdition``."""
        group = status_group(status_code)
        candidates = [
            edition
            for edition in self._by_key.values()
            if application_type in edition.application_types
            and edition.status_group in ("", group)
            and edition.in_force_on(on)
        ]
        if not candidates:
            raise NoEdition(application_type=application_type)
        # A group's own form wins over an "any status" one; then the newest.
        return max(candidates, key=lambda e: (e.status_group == group, e.valid_from))


EDITIONS = EditionRegistry(_build())


def edition_for(
    application_type: str, status_code: str | None, *, on: date
) -> FormEdition:
    return EDITIONS.edition_for(application_type, status_code, on=on)


def edition_by_key(key: str) -> FormEdition:
    return EDITIONS.by_key(key)


def all_editions() -> list[FormEdition]:
    return list(EDITIONS)
