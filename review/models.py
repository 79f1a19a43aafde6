"""Examination and issuance records.  Statuses live on applications.Application
and change only through applications.services.application_transition; these
models hold what the office did at each step.

The sub-states (``DocumentRequest.state``, ``Decision.state``,
``Payment.state``) move only with an application transition: the tables in
``review.workflow`` name the application action that moves each one."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import CARD_NUMBER_PATTERN

USER = settings.AUTH_USER_MODEL


class Assignment(models.Model):
    """Who examines a case (claimed by an examiner or assigned by a supervisor)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="assignment"
    )
    examiner = models.ForeignKey(
        USER, verbose_name=_("examiner"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.application_id} → {self.examiner_id}"


class InternalNote(models.Model):
    """An officer's note on a case; never shown to portal users."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="internal_notes",
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on {self.application_id}"


class DocumentRequest(models.Model):
    """A request for additional documents (資料提出通知)."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the documents")
        ANSWERED = "answered", _("Answered")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="document_requests",
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    due_date = models.DateField(_("due date"))
    message = models.TextField(_("message to the applicant"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(_("reason for the new due date"), blank=True)
    reminded_7 = models.BooleanField(default=False)
    reminded_1 = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "due_date"], name="docreq_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state="open"),
                name="docreq_one_open",
            ),
            models.CheckConstraint(
                name="docreq_answered_has_time",
                condition=Q(state="open") | Q(answered_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"documents for {self.application_id} by {self.due_date}"


class DocumentRequestItem(models.Model):
    request = models.ForeignKey(
        DocumentRequest, on_delete=models.CASCADE, related_name="items"
    )
    text = models.TextField(_("what is needed"))
    document_type = models.CharField(_("document type"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class DocumentRequestFile(models.Model):
    item = models.ForeignKey(
        DocumentRequestItem, on_delete=models.CASCADE, related_name="files"
    )
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"file for item {self.item_id}"


class Decision(models.Model):
    """An examiner's recommendation and the supervisor's approval (four eyes)."""

    class Outcome(models.TextChoices):
        GRANT = "grant", _("Grant")
        DENY = "deny", _("Deny")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=8, choices=Outcome.choices)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PROPOSED
    )
    granted_status = models.ForeignKey(
        "applications.StatusOfResidence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_period = models.CharField(_("period of stay"), max_length=24, blank=True)
    reentry_until = models.DateField(
        _("re-entry permit valid until"), null=True, blank=True
    )
    activity_terms = models.TextField(
        _("terms of the permission for other activity"), blank=True
    )
    denial_reasons = models.TextField(_("reasons"), blank=True)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    supervisor_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=["proposed", "approved"]),
                name="decision_one_active",
            ),
            models.CheckConstraint(  # four eyes, enforced by the database too
                name="decision_four_eyes",
                condition=Q(approved_by__isnull=True)
                | ~Q(approved_by=F("proposed_by")),
            ),
            models.CheckConstraint(
                name="decision_approved_has_approver",
                condition=~Q(state="approved")
                | Q(approved_by__isnull=False, approved_at__isnull=False),
            ),
            # A grant's period is checked by the service, not here: a
            # certificate of eligibility is granted without one (the period
            # is decided at landing), and the type is on the application.
            models.CheckConstraint(
                name="decision_denial_has_reasons",
                condition=~Q(outcome="deny") | ~Q(denial_reasons=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.state}) for {self.application_id}"


class Payment(models.Model):
    """The fee received for a granted application: revenue stamps recorded by
    the clerk, or an electronic payment confirmed by the provider's callback."""

    class Method(models.TextChoices):
        STAMPS = "stamps", _("Revenue stamps on the fee slip")
        PROVIDER = "provider", _("Electronic payment")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="payment"
    )
    amount_due = models.PositiveIntegerField(_("amount due (yen)"))
    method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PENDING
    )
    amount_received = models.PositiveIntegerField(null=True, blank=True)
    provider_reference = models.CharField(
        max_length=64, null=True, blank=True, unique=True
    )
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the user declares sending with the fee slip (the consignment to
    # the office): how the result comes back, and that the current card is
    # enclosed; then the clerk's record of the card's arrival.
    return_method = models.CharField(
        _("how the result is returned"), max_length=20, blank=True
    )
    current_card_sent = models.BooleanField(
        _("current residence card sent"), default=False
    )
    declared_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(null=True, blank=True)
    card_received_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    card_received_at = models.DateTimeField(
        _("current card received"), null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="payment_paid_matches_due",
                condition=~Q(state="paid")
                | Q(amount_received=F("amount_due"), paid_at__isnull=False),
            ),
            models.CheckConstraint(
                name="payment_declaration_complete",
                condition=Q(declared_at__isnull=True)
                | (Q(declared_by__isnull=False) & ~Q(return_method="")),
            ),
            models.CheckConstraint(
                name="payment_card_received_has_clerk",
                condition=Q(card_received_at__isnull=True)
                | Q(card_received_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"¥{self.amount_due} ({self.state}) for {self.application_id}"


class ResidenceCard(models.Model):
    """A residence card issued on grant.  The number is unique (database)."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="residence_card",
    )
    number = models.CharField(_("residence card number"), max_length=12, unique=True)
    status = models.ForeignKey(
        "applications.StatusOfResidence", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period of stay"), max_length=24)
    expiry = models.DateField(_("date of expiration"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="card_number_shape",
                condition=Q(number__regex=CARD_NUMBER_PATTERN),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Dispatch(models.Model):
    class Method(models.TextChoices):
        REGISTERED_MAIL = "registered_mail", _("Simplified registered mail (簡易書留)")
        LETTER_PACK = "letter_pack", _("Letter Pack Plus")
        COUNTER = "counter", _("Handed over at the counter")
        EMAIL = "email", _("Electronic (email)")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="dispatch"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=20, blank=True)
    dispatched_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField(auto_now_add=True)
    card_received_at = models.DateTimeField(
        _("current card received"), null=True, blank=True
    )

    def __str__(self) -> str:
        return f"{self.method} {self.tracking_number}".strip()


class Certificate(models.Model):
    """An issued certificate or notice with an optional public verification
    code (electronic COE)."""

    class Kind(models.TextChoices):
        DECISION_NOTICE = "decision_notice", _("Decision notice")
        COE = "coe", _("Certificate of Eligibility")
        AUTHORIZED_EMPLOYMENT = (
            "authorized_employment",
            _("Certificate of Authorized Employment"),
        )
        OTHER_ACTIVITY = "other_activity", _("Permission for other activity")
        REENTRY = "reentry", _("Re-entry permit")
        DOCUMENT_REQUEST = "document_request", _("Request for additional documents")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    verification_code = models.CharField(
        max_length=16, null=True, blank=True, unique=True
    )
    valid_until = models.DateField(null=True, blank=True)
    # The request a 資料提出通知 (kind DOCUMENT_REQUEST) is the notice of:
    # a case may get several, one per request.
    document_request = models.OneToOneField(
        DocumentRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice",
    )
    file_ja = models.OneToOneField(
        "files.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_en = models.OneToOneField(
        "files.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=~Q(kind="document_request"),
                name="certificate_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.application_id}"
