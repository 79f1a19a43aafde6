"""Every notification kind.  Each has three templates in ``templates/emails/``:
``<kind>_subject.txt``, ``<kind>_body.txt`` and ``<kind>_body.html`` (a test
renders all of them in both languages)."""

from __future__ import annotations

from django.db import models


class NotificationKind(models.TextChoices):
    ACCOUNT_APPROVED = "account_approved"
    ACCOUNT_LINKED = "account_linked"
    ACCOUNT_SUSPEND = "account_suspend"
    ACCOUNT_REINSTATE = "account_reinstate"
    ACCOUNT_REVOKE = "account_revoke"
    APPOINTMENT_OFFERED = "appointment_offered"
    APPOINTMENT_ENDED = "appointment_ended"
    APPROVAL_EXPIRING = "approval_expiring"
    EMAIL_PROOF = "email_proof"
    MFA_ENABLED = "mfa_enabled"
    USE_REQUEST_SUBMITTED = "use_request_submitted"
    USE_REQUEST_RECEIVED = "use_request_received"
    USE_REQUEST_RETURNED = "use_request_returned"
    USE_REQUEST_REJECTED = "use_request_rejected"
    PERIODIC_REPORT_APPROVED = "periodic_report_approved"
    APPLICATION_SUBMITTED = "application_submitted"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    APPLICATION_COMPLETED = "application_completed"
    EXAMINATION_STARTED = "examination_started"
    CASE_ASSIGNED = "case_assigned"
    DOCUMENT_REQUEST = "document_request"
    DOCUMENT_REQUEST_ANSWERED = "document_request_answered"
    DOCUMENT_REQUEST_EXTENDED = "document_request_extended"
    DOCUMENT_REQUEST_REMINDER = "document_request_reminder"
    DECISION_PROPOSED = "decision_proposed"
    DECISION_SENT_BACK = "decision_sent_back"
    DECISION_GRANTED = "decision_granted"
    DECISION_DENIED = "decision_denied"
    FEE_DUE = "fee_due"
    PAYMENT_RECEIVED = "payment_received"
    CARD_ISSUED = "card_issued"
    CARD_DISPATCHED = "card_dispatched"
    WEEKLY_DIGEST = "weekly_digest"
