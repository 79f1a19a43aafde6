"""Test data builders: factories with lifecycle traits and the persona
builders behind the fixtures of ``tests/conftest.py``.

``UserFactory(mfa=True)`` gives a user who has enrolled TOTP; ``totp_code(user)``
gives the code they would type.  ``OrganizationFactory``, ``staff(org)``,
``appointee(org)`` and ``officer(*roles, office_code=...)`` make the people;
``ApplicationFactory(granted=True)`` a case walked through the services;
``UseRequestFactory(submitted=True)`` a request for use."""

from __future__ import annotations

import hashlib
import io
import itertools
import time
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

import factory
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from pypdf import PdfWriter
from stdnum.jp import cn

from accounts.models import (
    Appointment,
    Membership,
    Office,
    OfficerRole,
    Organization,
    Prefecture,
    User,
    UseRequest,
    UseRequestAppointer,
    UseRequestDocument,
)
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    ForeignNational,
    StatusOfResidence,
)
from applications.selectors import document_slots_for
from applications.workflow import Status
from portal.files.models import StoredFile
from portal.files.services import store_upload
from portal.lib.files import CleanedUpload, Kind
from review.models import Decision

Role = OfficerRole.Role
EHI = "engineer_humanities_international"

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"U{n:07d}")
    email = factory.LazyAttribute(lambda u: f"{u.username.lower()}@example.jp")
    full_name = factory.Faker("name", locale="ja_JP")
    language = "ja"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def mfa(obj: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create and extracted:
            TOTP.activate(obj, generate_totp_secret())


def totp_secret(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return get_mfa_adapter().decrypt(authenticator.data["secret"])


def totp_code(user: User, *, offset: int = 0) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(totp_secret(user), counter))


_last_counter: dict[int, int] = {}


def fresh_totp_code(user: User, *, margin: float = 3.0) -> str:
    """A code a slow browser can still type in time: when the current
    window ends within ``margin`` seconds, or this user already used its
    code (the replay guard would refuse it), wait for the next window."""
    period = mfa_settings.TOTP_PERIOD
    while True:
        now = time.time()
        counter = int(now) // period
        left = period - now % period
        if left > margin and _last_counter.get(user.pk) != counter:
            break
        time.sleep(left + 0.05)
    _last_counter[user.pk] = counter
    return format_hotp_value(hotp_value(totp_secret(user), counter))


def password_login(client, user: User) -> None:
    """Sign in with the password as a person would (recording the
    authentication time allauth needs), without the MFA step."""
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]


# --- Reference rows ------------------------------------------------------------------


def office(code: str = "TKY") -> Office:
    """An office loaded by the migrations (TKY Tokyo, NGY Nagoya, ...)."""
    return Office.objects.get(code=code)


def corporate_number(prefix: str, serial: int) -> str:
    """A check-digit-valid corporate number under an unused registry prefix
    (0998 organisations, 0999 requests for use: no real company has one)."""
    base = f"{prefix}{serial:08d}"[-12:]
    return cn.calc_check_digit(base) + base


def pdf_bytes(pages: int = 1) -> bytes:
    """A small valid PDF."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stored_pdf(
    name: str = "document.pdf",
    purpose: str = "application_document",
    uploaded_by: User | None = None,
) -> StoredFile:
    """A PDF in private storage, as an upload leaves it."""
    content = pdf_bytes()
    return store_upload(
        cleaned=CleanedUpload(
            content=content,
            kind=Kind.PDF,
            content_type="application/pdf",
            extension="pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            original_name=name,
        ),
        uploaded_by=uploaded_by,
        purpose=purpose,
    )


# --- Organisations and people --------------------------------------------------------


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A category-2 corporation approved by the Tokyo office."""

    class Meta:
        model = Organization

    name_ja = factory.Sequence(lambda n: f"株式会社組織テスト{n}")
    name_en = factory.Sequence(lambda n: f"Org Test {n} Co., Ltd.")
    is_corporation = True
    corporate_number = factory.Sequence(
        lambda n: corporate_number("0998", n + 2 * 10**7)
    )
    category = 2
    postal_code = "100-0001"
    prefecture = factory.LazyFunction(lambda: Prefecture.objects.get(code=13))
    address = "千代田区千代田1-1"
    representative = "代表取締役 山田 太郎"
    phone = "03-1234-5678"
    office = factory.LazyFunction(office)


def staff(org: Organization, *, valid_days: int = 400, **fields: Any) -> User:
    """A category-1 user working for ``org`` (membership), MFA enrolled.
    ``valid_days`` below 0 (or ``status="suspended"``) gives a read-only user."""
    fields.setdefault("user_category", User.Category.ORG_STAFF)
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=valid_days))
    user = UserFactory(mfa=True, **fields)
    Membership.objects.create(user=user, organization=org)
    return user


def appoint(user: User, org: Organization, **fields: Any) -> Appointment:
    """An accepted appointment (scope: everything) unless ``accepted_at`` is
    given (None: an offer waiting for the appointee's answer)."""
    fields.setdefault("valid_from", timezone.localdate() - timedelta(days=30))
    fields.setdefault("accepted_at", timezone.now())
    return Appointment.objects.create(appointee=user, organization=org, **fields)


def appointee(org: Organization, *, valid_days: int = 400, **fields: Any) -> User:
    """A category-2 user (administrative scrivener) appointed by ``org``."""
    fields.setdefault("user_category", User.Category.ATTORNEY)
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=valid_days))
    fields.setdefault("affiliation", "行政書士法人テスト")
    user = UserFactory(mfa=True, **fields)
    appoint(user, org)
    return user


def officer(
    *roles: str, office_code: str = "TKY", mfa: bool = True, **fields: Any
) -> User:
    """An officer (MFA enrolled unless ``mfa=False``) holding ``roles`` at
    the office."""
    user = UserFactory(mfa=mfa, **fields)
    for role in roles:
        OfficerRole.objects.create(user=user, office=office(office_code), role=role)
    return user


def _letters(number: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a sequence number as Latin letters."""
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


class ForeignNationalFactory(factory.django.DjangoModelFactory):
    """An Engineer/Specialist in Humanities/International Services with one
    year of stay ending in 60 days: an extension may be filed today."""

    class Meta:
        model = ForeignNational

    organization = factory.SubFactory(OrganizationFactory)
    # Letters only, as a passport's name (the 申請書 refuses digits): NGUYENA, …
    family_name = factory.Sequence(lambda n: f"NGUYEN{_letters(n)}")
    given_name = "VAN AN"
    name_kanji = ""
    sex = "M"
    date_of_birth = date(1995, 4, 1)
    nationality = "VN"
    passport_number = factory.Sequence(lambda n: f"C{n:07d}")
    residence_card_number = factory.Sequence(lambda n: f"AB{n:08d}CD")
    current_status = factory.LazyFunction(
        lambda: StatusOfResidence.objects.get(code=EHI)
    )
    current_period = "1y"
    period_expiry = factory.LazyFunction(
        lambda: timezone.localdate() + timedelta(days=60)
    )
    address_in_japan = "東京都千代田区千代田1-1"


# --- Applications and their lifecycle ------------------------------------------------

# The order in which the traits walk a case through the services.
_GRANTED_PATH = (
    Status.SUBMITTED,
    Status.EXAMINING,
    Status.DECISION_PROPOSED,
    Status.GRANTED,
    Status.FEE_PAID,
    Status.ISSUED,
    Status.DISPATCHED,
    Status.COMPLETED,
)


def attach_required_documents(
    application: Application, *, extra: int = 0
) -> list[ApplicationDocument]:
    """One PDF for every required slot (plus ``extra`` more in the first)."""
    slots = document_slots_for(
        application_type=application.application_type,
        status=application.target_status or application.foreign_national.current_status,
        org_category=application.organization.category,
    )
    documents = [
        ApplicationDocument.objects.create(
            application=application, slot=slot, file=stored_pdf(f"{slot.code}.pdf")
        )
        for slot in slots
        if slot.required
    ]
    documents += [
        ApplicationDocument.objects.create(
            application=application, slot=slots[0], file=stored_pdf(f"extra-{i}.pdf")
        )
        for i in range(extra)
    ]
    return documents


def _companion_fields(code: str, fn: ForeignNational) -> dict[str, Any]:
    if code == "reentry":
        return {
            "reentry_variant": "multiple",
            "reentry_until": (fn.period_expiry or timezone.localdate())
            - timedelta(days=1),
        }
    if code == "other_activity":
        return {
            "other_activity_kind": "comprehensive",
            "other_activity_details": "Part-time teaching",
        }
    return {}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A case of an organisation, filed by one of its staff, with companions
    (a re-entry permit by default).

    ``status`` (or a trait: ``submitted=True``, ``examining=True``,
    ``awaiting_documents=True``, ``decision_proposed=True``, ``granted=True``,
    ``fee_paid=True``, ``issued=True``, ``dispatched=True``,
    ``completed=True``, ``denied=True``, ``withdrawn=True``) walks the draft
    through the real services, so every row a page needs exists as the real
    flow would leave it.  Officers of the case's office are made on the way
    unless given (``examiner=``, ``supervisor=``, ``clerk=``).

    ``shortcut=True`` puts the rows straight into ``status`` instead (no
    eligibility, no events, no notifications): for lists and queries where
    only the rows matter.  ``documents`` attaches a PDF to every required
    slot (default: when the case leaves the draft through the services)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    class Params:
        type_code = "extension"
        submitted = factory.Trait(status=Status.SUBMITTED)
        examining = factory.Trait(status=Status.EXAMINING)
        awaiting_documents = factory.Trait(status=Status.AWAITING_DOCUMENTS)
        decision_proposed = factory.Trait(status=Status.DECISION_PROPOSED)
        granted = factory.Trait(status=Status.GRANTED)
        fee_paid = factory.Trait(status=Status.FEE_PAID)
        issued = factory.Trait(status=Status.ISSUED)
        dispatched = factory.Trait(status=Status.DISPATCHED)
        completed = factory.Trait(status=Status.COMPLETED)
        denied = factory.Trait(status=Status.DENIED)
        withdrawn = factory.Trait(status=Status.WITHDRAWN)

    organization = factory.SubFactory(OrganizationFactory)
    created_by = factory.LazyAttribute(lambda o: staff(o.organization))
    foreign_national = factory.LazyAttribute(
        lambda o: ForeignNationalFactory(organization=o.organization)
    )
    application_type = factory.LazyAttribute(
        lambda o: ApplicationType.objects.get(code=o.type_code)
    )
    requested_period = factory.LazyAttribute(
        lambda o: "3y" if o.type_code in ("extension", "change") else ""
    )
    answers = factory.LazyFunction(lambda: {"saved": ["person", "application"]})
    # Not model fields: _create takes them out.
    status = Status.DRAFT
    companions: tuple[str, ...] = ("reentry",)
    documents = None
    shortcut = False
    submitted_at = None
    receipt_number = None
    outcome = Decision.Outcome.GRANT
    examiner = None
    supervisor = None
    clerk = None

    @classmethod
    def _create(
        cls, model_class: type[Application], *args: Any, **kwargs: Any
    ) -> Application:
        status = kwargs.pop("status")
        companions = kwargs.pop("companions")
        documents = kwargs.pop("documents")
        shortcut = kwargs.pop("shortcut")
        submitted_at = kwargs.pop("submitted_at")
        receipt_number = kwargs.pop("receipt_number")
        walk = {
            "outcome": kwargs.pop("outcome"),
            "examiner": kwargs.pop("examiner"),
            "supervisor": kwargs.pop("supervisor"),
            "clerk": kwargs.pop("clerk"),
        }
        application = super()._create(model_class, *args, **kwargs)
        _answer_the_form(application)
        fn = application.foreign_national
        for code in companions:
            Application.objects.create(
                application_type=ApplicationType.objects.get(code=code),
                main=application,
                organization=application.organization,
                foreign_national=fn,
                created_by=application.created_by,
                **_companion_fields(code, fn),
            )
        if documents is None:
            documents = status != Status.DRAFT and not shortcut
        if documents:
            attach_required_documents(application)
        if shortcut:
            return put_in_status(
                application,
                status,
                submitted_at=submitted_at,
                receipt_number=receipt_number,
            )
        if status != Status.DRAFT:
            application = advance(application, status, **walk)
        return application


def _answer_the_form(application: Application) -> None:
    """Every page of the 申請書 answered (sample answers of its edition), as
    the filing flow leaves a complete draft."""
    from applications import draft_form
    from applications.application_forms import storage
    from applications.application_forms.samples import sample_answers

    edition = draft_form.draft_edition(application)
    if edition is None or "form" in application.answers:
        return
    raw = sample_answers(edition, today=timezone.localdate())
    application.answers = {
        **application.answers,
        "form": storage.envelope(edition, raw=raw),
    }
    Application.objects.filter(pk=application.pk).update(answers=application.answers)


_receipt_serial = itertools.count(1)


def put_in_status(
    application: Application,
    status: str,
    *,
    submitted_at: datetime | None = None,
    receipt_number: str | None = None,
) -> Application:
    """Rows straight into ``status`` (no eligibility, no events)."""
    at = submitted_at or timezone.now()
    number = receipt_number or f"TKY-{at.year}-{next(_receipt_serial):07d}"
    org = application.organization
    values = {
        "status": status,
        "submitted_at": at,
        "received_on": timezone.localdate(at),
        "submitted_by": application.created_by,
        "office": org.office,
    }
    Application.objects.filter(pk=application.pk).update(
        receipt_number=number, **values
    )
    for i, companion in enumerate(application.companions.all(), start=1):
        Application.objects.filter(pk=companion.pk).update(
            receipt_number=f"{number}-{i}", **values
        )
    application.refresh_from_db()
    return application


def _role_user(given: User | None, role: str, application: Application) -> User:
    return given or officer(role, office_code=application.office.code)


def recommendation(
    application: Application, outcome: str = Decision.Outcome.GRANT
) -> Any:
    """A recommendation the examination service accepts."""
    from review.services import examination

    if outcome == Decision.Outcome.GRANT:
        return examination.Recommendation(
            outcome=outcome,
            period=examination.allowed_periods(application)[0],
            reentry_until=timezone.localdate() + timedelta(days=300),
            activity_terms="Part-time teaching, 28 hours a week",
        )
    return examination.Recommendation(
        outcome=outcome, denial_reasons="Activities not credible."
    )


def advance(
    application: Application,
    target: str,
    *,
    outcome: str = Decision.Outcome.GRANT,
    examiner: User | None = None,
    supervisor: User | None = None,
    clerk: User | None = None,
) -> Application:
    """Walk a case forward through the services until it reaches ``target``
    (the filer submits, pays and receives; officers of the case's office
    examine, decide and issue)."""
    from applications import services as filing
    from review import issuance_rules
    from review.services import examination, issuance, payments

    filer = application.created_by
    if target == Status.DENIED:
        outcome = Decision.Outcome.DENY
    if target in (Status.DENIED, Status.GRANTED):
        path: tuple[str, ...] = (*_GRANTED_PATH[:3], target)
    elif target == Status.WITHDRAWN:
        path = (Status.SUBMITTED, Status.WITHDRAWN)
    elif target == Status.AWAITING_DOCUMENTS:
        path = (Status.SUBMITTED, Status.EXAMINING, Status.AWAITING_DOCUMENTS)
    else:
        path = _GRANTED_PATH[: _GRANTED_PATH.index(target) + 1]  # type: ignore[arg-type]
    for step in path:
        application.refresh_from_db()
        if application.status == step:
            continue
        if step == Status.SUBMITTED:
            application = filing.application_submit(
                application=application, actor=filer
            )
        elif step == Status.WITHDRAWN:
            application = filing.application_withdraw(
                application=application, actor=filer, reason="No longer needed."
            )
        elif step == Status.EXAMINING:
            examiner = _role_user(examiner, Role.EXAMINER, application)
            examination.case_claim(application=application, actor=examiner)
        elif step == Status.AWAITING_DOCUMENTS:
            examination.document_request_create(
                application=application,
                actor=_role_user(examiner, Role.EXAMINER, application),
                items=[examination.RequestedItem("Document 0", "Tax certificate")],
                due_date=timezone.localdate() + timedelta(days=14),
                message="Please send these.",
            )
        elif step == Status.DECISION_PROPOSED:
            examination.decision_propose(
                application=application,
                actor=_role_user(examiner, Role.EXAMINER, application),
                recommendation=recommendation(application, outcome),
            )
        elif step in (Status.GRANTED, Status.DENIED):
            examination.decision_approve(
                application=application,
                actor=_role_user(supervisor, Role.SUPERVISOR, application),
            )
        elif step == Status.FEE_PAID:
            clerk = _role_user(clerk, Role.CLERK, application)
            payments.payment_declare(
                application=application,
                actor=filer,
                return_method="registered_mail",
                current_card_sent=issuance_rules.needs_current_card(application),
            )
            payments.payment_record_stamps(
                application=application,
                actor=clerk,
                amount=application.payment.amount_due,
            )
        elif step == Status.ISSUED:
            clerk = _role_user(clerk, Role.CLERK, application)
            if issuance_rules.needs_current_card(application):
                issuance.card_receipt_record(application=application, actor=clerk)
            issuance.application_issue(application=application, actor=clerk)
        elif step == Status.DISPATCHED:
            email = issuance_rules.electronic_only(application)
            issuance.application_dispatch(
                application=application,
                actor=_role_user(clerk, Role.CLERK, application),
                method="email" if email else "registered_mail",
                tracking_number="" if email else "1234-5678-9012",
            )
        elif step == Status.COMPLETED:
            issuance.application_record_handover(application=application, actor=filer)
    application.refresh_from_db()
    return application


# --- Requests for use ----------------------------------------------------------------

ROSTER = [
    {
        "family_name": "NGUYEN",
        "given_name": "VAN AN",
        "name_kanji": "",
        "sex": "M",
        "date_of_birth": "1995-04-01",
        "nationality": "VN",
        "status_of_residence": "技術・人文知識・国際業務",
        "residence_card_number": "AB12345678CD",
        "period_expiry": "2027-03-31",
        "planned_hire": False,
    },
    {
        "family_name": "SANTOS",
        "given_name": "MARIA",
        "name_kanji": "",
        "sex": "F",
        "date_of_birth": "1998-12-24",
        "nationality": "PH",
        "status_of_residence": "",
        "residence_card_number": "",
        "period_expiry": None,
        "planned_hire": True,
    },
]

_request_serial = itertools.count(1)


def request_corporate_number(serial: int | None = None) -> str:
    """A corporate number for a request for use (prefix 0999)."""
    return corporate_number("0999", (serial or next(_request_serial)) + 10**7)


class UseRequestFactory(factory.Factory):
    """A request for use with every step filled in (ready to submit), made
    through ``use_request_create``.  ``submitted=True`` submits it;
    ``status=`` (returned, approved, rejected) has a Tokyo reception officer
    decide it through the services.  ``category``, ``office_code``,
    ``corp_number``, ``email``, ``appointers`` ([(name_ja, corporate
    number)]) and ``documents`` shape it; other keywords are columns."""

    class Meta:
        model = UseRequest

    class Params:
        submitted = factory.Trait(status=UseRequest.Status.SUBMITTED)

    status = UseRequest.Status.DRAFT

    @classmethod
    def _create(
        cls, model_class: type[UseRequest], *args: Any, **kwargs: Any
    ) -> UseRequest:
        return _use_request(**kwargs)

    _build = _create


def _use_request(
    *,
    status: str = UseRequest.Status.DRAFT,
    office_code: str = "TKY",
    category: int = User.Category.ORG_STAFF,
    corp_number: str | None = None,
    email: str | None = None,
    appointers: list[tuple[str, str]] | None = None,
    documents: bool = True,
    **fields: Any,
) -> UseRequest:
    from accounts import services

    n = next(_request_serial)
    use_request = services.use_request_create(
        email=email or f"requester{n}@example.jp", language="ja"
    )
    values: dict[str, Any] = {
        "user_category": category,
        "org_name_ja": f"株式会社テスト{n}",
        "org_name_en": f"Test {n} Co., Ltd.",
        "org_is_corporation": True,
        "org_corporate_number": corp_number or request_corporate_number(),
        "org_postal_code": "100-0001",
        "org_prefecture_id": 13,
        "org_address": "千代田区千代田1-1",
        "org_representative": "代表取締役 山田 太郎",
        "org_phone": "03-1234-5678",
        "org_category": 2,
        "full_name": "佐藤 花子",
        "full_name_kana": "サトウ ハナコ",
        "phone": "090-1234-5678",
        "position": "人事部長",
        "decl_no_punishment": True,
        "decl_notifications_filed": True,
        "decl_lawful_acceptance": True,
        "decl_no_id_lending": True,
        "decl_periodic_report": True,
        "roster": ROSTER,
        "office": office(office_code),
    }
    if category == User.Category.ATTORNEY:
        values.update(
            toritsugi_number="東行-12345", toritsugi_issuer="東京都行政書士会"
        )
    if category > 1:
        values["affiliation"] = "行政書士法人テスト"
    values.update(fields)
    UseRequest.objects.filter(pk=use_request.pk).update(**values)
    use_request.refresh_from_db()
    for name_ja, number in appointers or []:
        UseRequestAppointer.objects.create(
            use_request=use_request, name_ja=name_ja, corporate_number=number
        )
    if documents:
        slots = ["org_summary", "pledge", "category", "registry"]
        if category > 1:
            slots.append("appointment")
        for slot in slots:
            UseRequestDocument.objects.create(
                use_request=use_request,
                slot=slot,
                file=stored_pdf(f"{slot}.pdf", purpose="use_request"),
            )
    if status == UseRequest.Status.DRAFT:
        return use_request
    use_request = services.use_request_submit(use_request=use_request)
    decider = officer(Role.RECEPTION, office_code=office_code, mfa=False)
    if status == UseRequest.Status.RETURNED:
        return services.use_request_return(
            use_request=use_request,
            actor=decider,
            comments={"person": "Check the phone."},
        )
    if status == UseRequest.Status.APPROVED:
        return services.use_request_approve(use_request=use_request, actor=decider)
    if status == UseRequest.Status.REJECTED:
        return services.use_request_reject(
            use_request=use_request, actor=decider, reason="No."
        )
    return use_request
