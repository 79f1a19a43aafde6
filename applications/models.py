from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.validators import CARD_NUMBER_PATTERN
from applications.periods import validate_periods
from applications.workflow import OPEN_STATUSES as WORKFLOW_OPEN_STATUSES
from applications.workflow import Status

# The statuses a submitted case is "open" in (defined in applications.workflow):
# the partial indexes below are built on exactly this list.
OPEN_STATUSES = WORKFLOW_OPEN_STATUSES


class ApplicationType(models.Model):
    """One of the seven online application types (PRODUCT §2.2); reference data.

    Companion types (re-entry, other activity) are filed only together with a
    type that ``takes_companions`` (change, extension, acquisition).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    is_companion = models.BooleanField(
        _("companion"),
        default=False,
        help_text=_("Filed only together with an application that takes companions."),
    )
    takes_companions = models.BooleanField(
        _("takes companions"),
        default=False,
        help_text=_("Re-entry and other-activity applications may be filed with it."),
    )
    in_japan = models.BooleanField(
        _("filed for a person in Japan"),
        default=True,
        help_text=_("Off only for the certificate of eligibility."),
    )
    residence_card_required = models.BooleanField(
        _("residence card required"),
        default=True,
        help_text=_(
            "Off for the certificate of eligibility and for acquisition "
            "(a child born in Japan has no card yet)."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("application type")
        verbose_name_plural = _("application types")
        ordering = ["sort_order", "number"]
        constraints = [
            models.CheckConstraint(
                name="apptype_companion_takes_none",
                condition=Q(is_companion=False) | Q(takes_companions=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja


class StatusOfResidence(models.Model):
    """A status of residence (在留資格) of Appended Table I or II; reference data,
    editable in the admin, so that changes to the online scope need no code.

    ``periods`` lists the allowed periods of stay as strings, longest first, in
    the grammar of ``applications.periods``: ``"5y"``, ``"1y3m"``, ``"30d"``
    (fixed); ``"designated-5y"`` (designated individually, at most 5 years);
    ``"indefinite"``; ``"activity"`` (as long as the activity lasts).  An empty
    list means the periods are not known yet.

    A status with sub-categories is online-eligible for a sub-category only
    when both the status and the sub-category are.
    """

    class Table(models.TextChoices):
        I = "I", _("Appended Table I")  # noqa: E741 — the Act's own name
        II = "II", _("Appended Table II")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    table = models.CharField(_("table"), max_length=2, choices=Table.choices)
    group = models.CharField(
        _("group"), max_length=8, help_text=_("I-1 … I-5 for Table I, II for Table II.")
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    online_eligible = models.BooleanField(_("can be filed online"), default=True)
    activity_restricted = models.BooleanField(
        _("activities restricted"),
        default=True,
        help_text=_("Table I statuses; permission for other activity only for these."),
    )
    periods = models.JSONField(
        _("periods of stay"), default=list, blank=True, validators=[validate_periods]
    )
    available_from = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("Empty when long in force."),
    )
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("status of residence")
        verbose_name_plural = _("statuses of residence")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                name="status_table_valid", condition=Q(table__in=["I", "II"])
            ),
            # Table II statuses are defined by position, not activity.
            models.CheckConstraint(
                name="status_table2_unrestricted",
                condition=Q(table="I") | Q(activity_restricted=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja


class StatusSubCategory(models.Model):
    """A sub-category of a status (e.g. HSP (i)(a), Designated Activities
    "preparation for departure"); ``periods`` None means the status's periods
    apply."""

    status = models.ForeignKey(
        StatusOfResidence,
        verbose_name=_("status of residence"),
        on_delete=models.CASCADE,
        related_name="subcategories",
    )
    code = models.SlugField(_("code"), max_length=64)
    name_ja = models.CharField(_("name (Japanese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=200)
    online_eligible = models.BooleanField(_("can be filed online"), default=True)
    periods = models.JSONField(
        _("periods of stay"),
        null=True,
        blank=True,
        validators=[validate_periods],
        help_text=_("Empty to use the status's periods."),
    )
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("status sub-category")
        verbose_name_plural = _("status sub-categories")
        ordering = ["status", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["status", "code"], name="subcategory_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status.name_ja} {self.name_ja}"

    @property
    def effective_periods(self) -> list[str]:
        return list(self.status.periods if self.periods is None else self.periods)


class Fee(models.Model):
    """The fee (手数料) for one application type, variant and channel from
    ``valid_from`` on; the amount due is that of the row with the greatest
    ``valid_from`` on or before the day the application was received.  Free
    types have explicit rows of 0 — a missing row is a data error, not "free".
    """

    class Variant(models.TextChoices):
        NONE = "", _("Not applicable")
        SINGLE = "single", _("Single")
        MULTIPLE = "multiple", _("Multiple")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("Counter")

    application_type = models.ForeignKey(
        ApplicationType,
        verbose_name=_("application type"),
        on_delete=models.PROTECT,
        related_name="fees",
    )
    variant = models.CharField(
        _("variant"), max_length=16, choices=Variant.choices, blank=True, default=""
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    valid_from = models.DateField(_("for applications received from"))
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["application_type", "variant", "channel", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["application_type", "variant", "channel", "valid_from"],
                name="fee_unique",
            ),
            models.CheckConstraint(
                name="fee_variant_valid",
                condition=Q(variant__in=["", "single", "multiple"]),
            ),
            models.CheckConstraint(
                name="fee_channel_valid", condition=Q(channel__in=["online", "counter"])
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.application_type} {self.variant} {self.channel} {self.valid_from}"
        )


class DocumentSlot(models.Model):
    """A document an application must (or may) carry; reference data keyed by
    (application type, status of residence, organisation category).  Empty
    keys are wildcards: the most specific rows for a filing win (see
    ``selectors.document_slots_for``)."""

    code = models.SlugField(_("code"), max_length=64)
    application_type = models.ForeignKey(
        ApplicationType,
        verbose_name=_("application type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_slots",
    )
    status = models.ForeignKey(
        StatusOfResidence,
        verbose_name=_("status of residence"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_slots",
    )
    org_category = models.PositiveSmallIntegerField(
        _("organisation category"), null=True, blank=True
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    hint_ja = models.TextField(_("hint (Japanese)"), blank=True)
    hint_en = models.TextField(_("hint (English)"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    photo = models.BooleanField(
        _("photo"), default=False, help_text=_("Accepts JPEG or PNG only.")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("document slot")
        verbose_name_plural = _("document slots")
        ordering = ["sort_order", "code"]
        constraints = [
            # Empty keys are wildcards and must count as equal: COALESCE them.
            models.UniqueConstraint(
                "code",
                Coalesce("application_type", 0),
                Coalesce("status", 0),
                Coalesce("org_category", 0),
                name="docslot_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja


class ForeignNational(models.Model):
    """The person an application is for, as the organisation knows them."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="foreign_nationals",
    )
    roster_entry = models.ForeignKey(
        "accounts.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    family_name = models.CharField(_("family name (as in passport)"), max_length=60)
    given_name = models.CharField(
        _("given names (as in passport)"), max_length=60, blank=True
    )
    name_kanji = models.CharField(_("name in kanji"), max_length=60, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality"), max_length=2)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    passport_expiry = models.DateField(_("passport expiry date"), null=True, blank=True)
    residence_card_number = models.CharField(
        _("residence card number"), max_length=12, blank=True
    )
    current_status = models.ForeignKey(
        StatusOfResidence,
        verbose_name=_("current status of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_subcategory = models.ForeignKey(
        StatusSubCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_period = models.CharField(
        _("current period of stay"), max_length=24, blank=True
    )
    period_expiry = models.DateField(_("period of stay expires"), null=True, blank=True)
    address_in_japan = models.CharField(
        _("address in Japan"), max_length=200, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("foreign national")
        verbose_name_plural = _("foreign nationals")
        ordering = ["family_name", "given_name"]
        # Name search (applications.search) also has the trigram GIN index
        # "fn_search_trgm" on PersonSearchName(family, given, kanji): created
        # by migration 0005 on PostgreSQL only (SQLite has no GIN), so it is
        # not declared here.
        indexes = [
            models.Index(
                fields=["residence_card_number"],
                name="fn_card_number",
                condition=~Q(residence_card_number=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "nationality", "passport_number"],
                condition=~Q(passport_number=""),
                name="fn_passport_unique",
            ),
            models.CheckConstraint(
                name="fn_card_shape",
                condition=Q(residence_card_number="")
                | Q(residence_card_number__regex=CARD_NUMBER_PATTERN),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    SNAPSHOT_FIELDS = (
        "family_name",
        "given_name",
        "name_kanji",
        "sex",
        "nationality",
        "passport_number",
        "residence_card_number",
        "current_period",
        "address_in_japan",
        "current_status_id",
        "current_subcategory_id",
    )
    SNAPSHOT_DATES = ("date_of_birth", "passport_expiry", "period_expiry")

    def snapshot(self) -> dict[str, str | int | None]:
        """The person's details as sent, for the application's record."""
        data: dict[str, str | int | None] = {
            f: getattr(self, f) for f in self.SNAPSHOT_FIELDS
        }
        for name in self.SNAPSHOT_DATES:
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any], **extra: Any) -> ForeignNational:
        """An unsaved instance showing the details as they were sent."""
        values = {f: data.get(f) for f in cls.SNAPSHOT_FIELDS if f in data}
        for name in cls.SNAPSHOT_DATES:
            values[name] = date.fromisoformat(data[name]) if data.get(name) else None
        return cls(**values, **extra)


class PersonRecordHistory(models.Model):
    """The values a person's record had before a grant replaced them (status,
    period, expiry, card number): one row per change, newest last, shown on
    the person page.  Written by ``services.people.person_record_grant``."""

    foreign_national = models.ForeignKey(
        ForeignNational, on_delete=models.CASCADE, related_name="record_history"
    )
    application = models.ForeignKey(
        "Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.ForeignKey(
        StatusOfResidence,
        verbose_name=_("status of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("period of stay"), max_length=24, blank=True)
    period_expiry = models.DateField(_("period of stay expires"), null=True, blank=True)
    residence_card_number = models.CharField(
        _("residence card number"), max_length=12, blank=True
    )
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["foreign_national", "replaced_at", "id"]

    def __str__(self) -> str:
        return f"{self.foreign_national_id} until {self.replaced_at:%Y-%m-%d}"


class Application(models.Model):
    """One application.  Companions (re-entry, other activity) are rows of
    their own whose ``main`` is the change/extension/acquisition they go with;
    they share its lifecycle.  Only ``applications.services`` changes
    ``status`` (through the table in ``applications.workflow``)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    receipt_number = models.CharField(
        _("receipt number"), max_length=24, null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    application_type = models.ForeignKey(
        ApplicationType,
        verbose_name=_("application type"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    main = models.ForeignKey(
        "self",
        verbose_name=_("filed with"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="companions",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    foreign_national = models.ForeignKey(
        ForeignNational,
        verbose_name=_("foreign national"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    target_status = models.ForeignKey(
        StatusOfResidence,
        verbose_name=_("status applied for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_subcategory = models.ForeignKey(
        StatusSubCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_period = models.CharField(
        _("period of stay applied for"), max_length=24, blank=True
    )
    reentry_variant = models.CharField(_("re-entry permit"), max_length=16, blank=True)
    reentry_until = models.DateField(
        _("re-entry permit valid until"), null=True, blank=True
    )
    other_activity_kind = models.CharField(
        _("kind of permission"), max_length=16, blank=True
    )
    other_activity_details = models.TextField(_("activity"), blank=True)
    event_date = models.DateField(_("date of the event"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The start form's token (portal.lib.once): a double click on "Start the
    # application" creates one draft.
    start_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The person's normalised name (applications.search.PersonSearchName),
    # copied here so that a name search of the queue or the case list is one
    # trigram index scan of this table.  PostgreSQL triggers (migration 0011)
    # keep it right on every write path; nothing in Python writes it.  On
    # SQLite it stays empty and search reads the person's name.
    search_name = models.TextField(db_default="", editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "-created_at", "-id"], name="app_org_list"
            ),
            models.Index(
                fields=["office", "status", "submitted_at"], name="app_office_queue"
            ),
            # The user's case list: keyset pages by (-submitted_at, -id) per
            # organisation, main applications only (drafts have no submitted_at).
            models.Index(
                fields=["organization", "-submitted_at", "-id"],
                name="app_case_list",
                condition=Q(main__isnull=True, submitted_at__isnull=False),
            ),
            # The officer queue's open cases in queue order ("oldest" walks it
            # forwards, "newest" backwards; "updated" has its own): a page is
            # an index walk that stops after 51 rows, and the counts per
            # status are index-only scans.
            models.Index(
                # status last: the counts per status are index-only scans
                # (a key column, not INCLUDE, which SQLite lacks).
                fields=["office", "submitted_at", "id", "status"],
                name="app_open_queue",
                condition=Q(main__isnull=True, status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["office", "updated_at", "id"],
                name="app_open_updated",
                condition=Q(main__isnull=True, status__in=OPEN_STATUSES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="app_submitted_has_receipt",
                condition=Q(status="draft")
                | Q(receipt_number__isnull=False, submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="app_dates_ordered",
                condition=Q(decided_at__isnull=True)
                | Q(decided_at__gte=models.F("submitted_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number or str(self.code)


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents"
    )
    slot = models.ForeignKey(DocumentSlot, on_delete=models.PROTECT, related_name="+")
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return f"{self.slot_id} of {self.application_id}"


class StatusEvent(models.Model):
    """One transition of an application: the case history and timeline."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="event_history")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class GeneratedDocument(models.Model):
    """A PDF the portal made for an application (the receipt, in each
    language), stored as a ``StoredFile``.  One row per (application, kind,
    language): the renderer skips what exists, and two workers racing leave
    one row (the loser deletes its bytes)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        APPLICATION_FORM = "application_form", _("Application form")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="generated_documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8)
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "language"], name="gendoc_unique"
            ),
            models.CheckConstraint(
                name="gendoc_kind_valid",
                condition=Q(kind__in=["receipt", "application_form"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.kind} {self.language}"


class OrganisationProfile(models.Model):
    """What the 所属機関等作成用 part of every application asks about the
    organisation, kept once per organisation and edited by its staff; each
    application starts from it and keeps a copy of it as sent.  The name,
    corporate number, address and telephone are the organisation's own
    fields (``accounts.Organization``)."""

    organization = models.OneToOneField(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="form_profile",
    )
    employment_insurance_number = models.CharField(
        _("employment insurance office number"), max_length=16, blank=True
    )
    business_type = models.CharField(_("main business type"), max_length=64, blank=True)
    capital_yen = models.PositiveBigIntegerField(
        _("capital (yen)"), null=True, blank=True
    )
    annual_sales_yen = models.PositiveBigIntegerField(
        _("annual sales (yen)"), null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    foreign_employees = models.PositiveIntegerField(
        _("foreign employees"), null=True, blank=True
    )
    technical_interns = models.PositiveIntegerField(
        _("technical intern trainees"), null=True, blank=True
    )
    # A supervising organisation (監理団体) of technical intern training files
    # the 団体監理型 applications of its trainees (online-scope rule); its
    # permit number is sent with every application for the examiner to check.
    supervising_permit_number = models.CharField(
        _("supervising organisation permit number"),
        max_length=11,
        blank=True,
        help_text=_(
            "Only for a supervising organisation (監理団体) of technical intern "
            "training: its permit number, for example 許1301000001."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")

    def __str__(self) -> str:
        return f"profile of {self.organization_id}"

    PROFILE_FIELDS = (
        "employment_insurance_number",
        "business_type",
        "capital_yen",
        "annual_sales_yen",
        "employees",
        "foreign_employees",
        "technical_interns",
        "supervising_permit_number",
    )

    def as_prefill(self) -> dict[str, Any]:
        """The values ``prefill.initial_answers`` reads as ``organisation.*``
        (also the copy kept with an application at submission)."""
        organization = self.organization
        data: dict[str, Any] = {
            "name_ja": organization.name_ja,
            "corporate_number": organization.corporate_number or "",
            "address": organization.address,
            "phone": organization.phone,
        }
        data.update({name: getattr(self, name) for name in self.PROFILE_FIELDS})
        return data


class AppointmentScope(models.Model):
    """Which application types and which people an appointment is limited to
    (``accounts.Appointment`` with ``scope_all_types`` or
    ``scope_all_people`` off).  An appointment without this row, or with the
    flag on, covers every type or every person of the organisation.  Read by
    the one scope filter in ``applications.selectors``."""

    appointment = models.OneToOneField(
        "accounts.Appointment",
        on_delete=models.CASCADE,
        related_name="scope",
    )
    application_types = models.ManyToManyField(
        ApplicationType,
        verbose_name=_("application types"),
        blank=True,
        related_name="+",
    )
    people = models.ManyToManyField(
        ForeignNational,
        verbose_name=_("foreign nationals"),
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appointment scope")
        verbose_name_plural = _("appointment scopes")

    def __str__(self) -> str:
        return f"scope of {self.appointment_id}"
