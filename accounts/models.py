from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Prefecture(models.Model):
    """The 47 prefectures (JIS X 0401 codes); reference data."""

    code = models.PositiveSmallIntegerField(_("code"), primary_key=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=8)
    name_en = models.CharField(_("name (English)"), max_length=32)

    class Meta:
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_ja


class Office(models.Model):
    """A regional immigration services bureau or one of its offices; reference
    data, editable in the admin.  What an office handles is a flag, not a list
    hard-coded somewhere (airport district offices take no requests for use)."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Regional bureau")
        DISTRICT = "district", _("District office")
        BRANCH = "branch", _("Branch office")

    code = models.CharField(_("office code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address_ja = models.CharField(_("address (Japanese)"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=20, blank=True)
    contact_verified = models.BooleanField(
        _("address and telephone checked"),
        default=False,
        help_text=_(
            "Off while the address and telephone await a check against ISA's office list."
        ),
    )
    is_port = models.BooleanField(
        _("airport or seaport office"),
        default=False,
        help_text=_(
            "Immigration inspection at a port: never a receiving office for applications."
        ),
    )
    accepts_coe = models.BooleanField(
        _("takes certificate of eligibility applications"), default=True
    )
    jurisdiction = models.ManyToManyField(
        Prefecture, verbose_name=_("jurisdiction"), blank=True, related_name="offices"
    )
    accepts_use_requests = models.BooleanField(
        _("takes requests for use"), default=True
    )
    accepts_applications = models.BooleanField(_("takes applications"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("immigration office")
        verbose_name_plural = _("immigration offices")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_ja


class Organization(models.Model):
    """An organisation that employs foreign nationals (所属機関)."""

    class Category(models.IntegerChoices):
        ONE = 1, _("Category 1")
        TWO = 2, _("Category 2")
        THREE = 3, _("Category 3")
        FOUR = 4, _("Category 4")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_corporation = models.BooleanField(_("corporation"), default=True)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, null=True, blank=True, unique=True
    )
    category = models.PositiveSmallIntegerField(
        _("organisation category"), choices=Category.choices
    )
    postal_code = models.CharField(_("postal code"), max_length=8)
    prefecture = models.ForeignKey(
        Prefecture, verbose_name=_("prefecture"), on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=200)
    representative = models.CharField(_("representative"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    office = models.ForeignKey(
        Office, verbose_name=_("approving office"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_ja"]
        constraints = [
            models.CheckConstraint(
                name="org_corporation_has_number",
                condition=Q(is_corporation=False) | Q(corporate_number__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja


class User(AbstractUser):
    """A person's account.  ``username`` is the user ID (認証ID) — generated for
    portal users, never chosen, never shared."""

    class Category(models.IntegerChoices):
        ORG_STAFF = 1, _("Staff of the organisation")
        ATTORNEY = 2, _("Attorney or administrative scrivener")
        PUBLIC_INTEREST = 3, _("Staff of a public-interest corporation")
        SUPPORT_ORG = 4, _("Staff of a registered support organisation")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    class Language(models.TextChoices):
        JA = "ja", "日本語"
        EN = "en", "English"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("name"), max_length=100, blank=True)
    full_name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    affiliation = models.CharField(
        _("firm or corporation"),
        max_length=200,
        blank=True,
        help_text=_(
            "For categories 2–4: the requester's own law office, corporation or support organisation."
        ),
    )
    language = models.CharField(
        _("language for emails"),
        max_length=2,
        choices=Language.choices,
        default=Language.JA,
    )
    user_category = models.PositiveSmallIntegerField(
        _("user category"), choices=Category.choices, null=True, blank=True
    )
    status = models.CharField(
        _("account status"),
        max_length=16,
        choices=Status.choices,
        default=Status.ACTIVE,
    )
    valid_until = models.DateField(_("approval valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A category-1 user works for the organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.organization_id}"


class Appointment(models.Model):
    """An organisation appointed a category 2–4 user to file for it.

    An appointment made by the organisation's staff (by the user's ID) is
    *offered* until the appointee accepts it (``accepted_at``) or declines
    it (``declined_at``, which also ends it); only an accepted appointment
    within its dates gives access.  Appointments made by approving a request
    for use are accepted when made.  Ending the appointment ends the
    appointee's access to the organisation at once.

    The scope: every application type and every person of the organisation,
    or — with ``scope_all_types`` / ``scope_all_people`` off — the types and
    people chosen in ``applications.AppointmentScope`` (accounts knows
    nothing of applications; the applications selectors enforce it)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointee = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="appointments"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="appointments"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(_("appointed"), default=timezone.now)
    appointed_by = models.ForeignKey(
        User,
        verbose_name=_("appointed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    scope_all_types = models.BooleanField(_("every application type"), default=True)
    scope_all_people = models.BooleanField(
        _("every foreign national of the organisation"), default=True
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["appointee", "organization"],
                condition=Q(ended_at__isnull=True),
                name="appointment_one_active",
            ),
            models.CheckConstraint(
                name="appointment_dates_ordered",
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
            ),
            # Accepted or declined, never both; declining ends the offer.
            models.CheckConstraint(
                name="appointment_accepted_or_declined",
                condition=Q(accepted_at__isnull=True) | Q(declined_at__isnull=True),
            ),
            models.CheckConstraint(
                name="appointment_declined_is_ended",
                condition=Q(declined_at__isnull=True) | Q(ended_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointee_id} → {self.organization_id}"


class OfficerRole(models.Model):
    """An immigration officer's role at one office.  Officers see only their
    office's work."""

    class Role(models.TextChoices):
        RECEPTION = "reception", _("Reception officer")
        EXAMINER = "examiner", _("Examiner")
        SUPERVISOR = "supervisor", _("Supervisor")
        CLERK = "clerk", _("Issuance clerk")
        # Grants and withdraws the roles above at the offices of their own
        # regional bureau (the role row names the bureau).
        BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="officer_roles"
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="officer_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("officer role")
        verbose_name_plural = _("officer roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office", "role"], name="officer_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.office_id}"


class UseRequest(models.Model):
    """A request for use (利用申出) — or, with kind PERIODIC, a periodic report
    (定期報告), which reception reviews the same way.

    A new request starts as a DRAFT owned by a proven email address (no
    account yet); submission gives it a reference number.  The lifecycle is
    the table in ``accounts/workflow.py``; only ``accounts.services`` changes
    ``status``.
    """

    class Kind(models.TextChoices):
        NEW = "new", _("Request for use")
        PERIODIC = "periodic", _("Periodic report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # Context: "Submitted" alone is also the label of the submission date.
        SUBMITTED = (
            "submitted",
            pgettext_lazy("status of a request for use", "Submitted"),
        )
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("At the counter (paper)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference_number = models.CharField(
        _("reference number"), max_length=24, null=True, blank=True, unique=True
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.NEW
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=2, default="ja")
    user_category = models.PositiveSmallIntegerField(
        _("user category"), choices=User.Category.choices, null=True, blank=True
    )

    # The organisation (for category 1: the requester's own; for 2–4: the
    # requester's own firm/corporation/support organisation).
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("existing organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="use_requests",
    )
    org_name_ja = models.CharField(
        _("organisation name (Japanese)"), max_length=200, blank=True
    )
    org_name_en = models.CharField(
        _("organisation name (English)"), max_length=200, blank=True
    )
    org_is_corporation = models.BooleanField(_("corporation"), null=True, blank=True)
    org_corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True
    )
    org_postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    org_prefecture = models.ForeignKey(
        Prefecture,
        verbose_name=_("prefecture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    org_address = models.CharField(_("address"), max_length=200, blank=True)
    org_representative = models.CharField(
        _("representative"), max_length=100, blank=True
    )
    org_phone = models.CharField(_("phone"), max_length=20, blank=True)
    org_category = models.PositiveSmallIntegerField(
        _("organisation category"),
        choices=Organization.Category.choices,
        null=True,
        blank=True,
    )

    # The requesting person.
    full_name = models.CharField(_("name"), max_length=100, blank=True)
    full_name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    affiliation = models.CharField(_("firm or corporation"), max_length=200, blank=True)
    toritsugi_number = models.CharField(
        _("filing agent notification certificate number"), max_length=32, blank=True
    )
    toritsugi_issuer = models.CharField(_("issued by"), max_length=100, blank=True)

    # The leaflet's requirements, each declared separately.
    decl_no_punishment = models.BooleanField(default=False)
    decl_notifications_filed = models.BooleanField(default=False)
    decl_lawful_acceptance = models.BooleanField(default=False)
    decl_no_id_lending = models.BooleanField(default=False)
    decl_periodic_report = models.BooleanField(default=False)

    # The list of foreign employees and planned hires, as validated rows.
    roster = models.JSONField(
        _("foreign employees and planned hires"), default=list, blank=True
    )

    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="use_requests",
    )
    # Reception's comments per item when returning for correction.
    return_comments = models.JSONField(default=dict, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The reception officer who registered a paper request."),
    )
    # The start form's token (portal.lib.once): a double click on "Start a new
    # request" creates one draft.
    start_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    filed_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The user who filed a periodic report."),
    )
    resulting_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("request for use")
        verbose_name_plural = _("requests for use")
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["office", "status", "submitted_at"], name="usereq_queue"
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="usereq_submitted_has_reference",
                condition=Q(status="draft")
                | Q(reference_number__isnull=False, submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="usereq_decision_has_decider",
                condition=~Q(status__in=["approved", "rejected"])
                | Q(decided_at__isnull=False, decided_by__isnull=False),
            ),
            # One periodic report in progress per organisation at a time.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(
                    kind="periodic", status__in=["draft", "submitted", "returned"]
                ),
                name="usereq_one_open_report",
            ),
            models.CheckConstraint(
                name="usereq_dates_ordered",
                condition=Q(decided_at__isnull=True)
                | Q(decided_at__gte=models.F("submitted_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.reference_number or str(self.code)


class UseRequestAppointer(models.Model):
    """An organisation that appointed a category 2–4 requester."""

    use_request = models.ForeignKey(
        UseRequest, on_delete=models.CASCADE, related_name="appointers"
    )
    name_ja = models.CharField(_("organisation name"), max_length=200)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("appointing organisation")
        verbose_name_plural = _("appointing organisations")

    def __str__(self) -> str:
        return self.name_ja


class UseRequestDocument(models.Model):
    """A file in one of the request's document slots (several per slot)."""

    class Slot(models.TextChoices):
        ORG_SUMMARY = "org_summary", _("Organisation summary")
        PLEDGE = "pledge", _("Written pledge")
        REGISTRY = "registry", _("Certificate of registered matters")
        CATEGORY = "category", _("Evidence of the organisation category")
        APPOINTMENT = "appointment", _("Proof of appointment")
        USER_LIST = "user_list", _("List of portal users")
        # The leaflet's "other documents where required" (その他必要に応じた資料).
        OTHER = "other", _("Other documents where required")

    use_request = models.ForeignKey(
        UseRequest, on_delete=models.CASCADE, related_name="documents"
    )
    slot = models.CharField(_("document"), max_length=16, choices=Slot.choices)
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")

    def __str__(self) -> str:
        return f"{self.slot} ({self.use_request_id})"


class RosterEntry(models.Model):
    """A foreign national the organisation employs or plans to hire."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="roster"
    )
    family_name = models.CharField(_("family name (as in passport)"), max_length=60)
    given_name = models.CharField(
        _("given names (as in passport)"), max_length=60, blank=True
    )
    name_kanji = models.CharField(_("name in kanji"), max_length=60, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality (ISO 3166)"), max_length=2)
    status_of_residence = models.CharField(
        _("status of residence"), max_length=64, blank=True
    )
    residence_card_number = models.CharField(
        _("residence card number"), max_length=12, blank=True
    )
    period_expiry = models.DateField(_("period of stay expires"), null=True, blank=True)
    planned_hire = models.BooleanField(_("planned hire"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("foreign employee")
        verbose_name_plural = _("foreign employees")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "nationality",
                    "family_name",
                    "given_name",
                    "date_of_birth",
                ],
                name="roster_person_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()


class SetPasswordToken(models.Model):
    """A single-use link to set the password of a newly approved account.
    Only a hash of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"set-password link for {self.user_id}"


class ExpiryReminder(models.Model):
    """Records that the reminder N days before a user's approval expires was
    queued, so each threshold is sent once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    valid_until = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "valid_until", "days_before"],
                name="expiry_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before}-day reminder for {self.user_id}"


class EmailProof(models.Model):
    """A single-use link proving that a requester (who has no account yet)
    controls an email address.  The URL carries a random token whose hash is
    stored here — no personal data in the URL."""

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"email proof {self.pk}"
