"""Every audit action, as one closed list the trail can be filtered by.

Values are ``<object>.<verb>``.  Application and account lifecycle actions
are derived from their workflow tables' action names (``application.<Action>``,
``account.<AccountAction>``), so the enum lists them here explicitly too: a
test checks that every workflow action has its audit action.
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # Sign-in and second factor
    AUTH_LOGIN = "auth.login"
    AUTH_LOGOUT = "auth.logout"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_LOGIN_THROTTLED = "auth.login_throttled"
    AUTH_THROTTLED = "auth.throttled"
    AUTH_PASSWORD_RESET = "auth.password_reset"  # noqa: S105 - an action name
    AUTH_PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105
    AUTH_EMAIL_CHANGED = "auth.email_changed"
    MFA_FAILED = "mfa.failed"
    MFA_ADDED = "mfa.added"
    MFA_REMOVED = "mfa.removed"
    MFA_RESET = "mfa.reset"
    # Accounts and appointments
    ACCOUNT_VIEW = "account.view"
    ACCOUNT_PASSWORD_SET = "account.password_set"  # noqa: S105 - an action name
    ACCOUNT_PASSWORD_LINK_REISSUED = "account.password_link_reissued"  # noqa: S105
    ACCOUNT_PASSWORD_LINK_REFUSED = "account.password_link_refused"  # noqa: S105
    ACCOUNT_SUSPEND = "account.suspend"
    ACCOUNT_REINSTATE = "account.reinstate"
    ACCOUNT_REVOKE = "account.revoke"
    APPOINTMENT_OFFER = "appointment.offer"
    APPOINTMENT_ACCEPT = "appointment.accept"
    APPOINTMENT_DECLINE = "appointment.decline"
    APPOINTMENT_CHANGE = "appointment.change"
    APPOINTMENT_END = "appointment.end"
    OFFICER_ROLE_GRANT = "officer_role.grant"
    OFFICER_ROLE_REVOKE = "officer_role.revoke"
    # Requests for use and periodic reports
    USE_REQUEST_CREATE = "use_request.create"
    USE_REQUEST_UPDATE = "use_request.update"
    USE_REQUEST_VIEW = "use_request.view"
    USE_REQUEST_SUBMIT = "use_request.submit"
    USE_REQUEST_APPROVE = "use_request.approve"
    USE_REQUEST_RETURN = "use_request.return"
    USE_REQUEST_REJECT = "use_request.reject"
    USE_REQUEST_APPOINTER_ADD = "use_request.appointer_add"
    USE_REQUEST_APPOINTER_REMOVE = "use_request.appointer_remove"
    USE_REQUEST_DOCUMENTS_ADD = "use_request.documents_add"
    USE_REQUEST_DOCUMENT_REMOVE = "use_request.document_remove"
    PERIODIC_REPORT_CREATE = "periodic_report.create"
    PERIODIC_REPORT_APPROVE = "periodic_report.approve"
    ROSTER_ADD = "roster.add"
    ROSTER_UPDATE = "roster.update"
    ROSTER_DELETE = "roster.delete"
    ROSTER_IMPORT = "roster.import"
    ROSTER_EXPORT = "roster.export"
    # Views of pages that show passport or residence card numbers
    ROSTER_VIEW = "roster.view"
    FOREIGN_NATIONAL_VIEW = "foreign_national.view"
    APPLICATION_VIEW_DRAFT = "application.view_draft"
    # People and applications
    FOREIGN_NATIONAL_ADD = "foreign_national.add"
    FOREIGN_NATIONAL_UPDATE = "foreign_national.update"
    FOREIGN_NATIONAL_FROM_ROSTER = "foreign_national.from_roster"
    APPLICATION_CREATE = "application.create"
    ORGANISATION_PROFILE_SAVE = "organisation_profile.save"
    APPLICATION_VIEW = "application.view"
    APPLICATION_DOWNLOAD = "application.download"
    APPLICATION_DOCUMENTS_ADD = "application.documents_add"
    APPLICATION_DELETE_DRAFT = "application.delete_draft"
    APPLICATION_VIEW_ISSUANCE = "application.view_issuance"
    APPLICATION_SUBMIT = "application.submit"
    APPLICATION_START_EXAMINATION = "application.start_examination"
    APPLICATION_REQUEST_DOCUMENTS = "application.request_documents"
    APPLICATION_RESPOND_DOCUMENTS = "application.respond_documents"
    APPLICATION_PROPOSE_DECISION = "application.propose_decision"
    APPLICATION_SEND_BACK = "application.send_back"
    APPLICATION_APPROVE_GRANT = "application.approve_grant"
    APPLICATION_APPROVE_DENIAL = "application.approve_denial"
    APPLICATION_CONFIRM_FEE = "application.confirm_fee"
    APPLICATION_ISSUE = "application.issue"
    APPLICATION_DISPATCH = "application.dispatch"
    APPLICATION_RECORD_HANDOVER = "application.record_handover"
    APPLICATION_WITHDRAW = "application.withdraw"
    # Batch filing (一括申請)
    BATCH_UPLOAD = "batch.upload"
    BATCH_CONFIRM = "batch.confirm"
    BATCH_SUBMIT_ALL = "batch.submit_all"
    # The batch page and its problems CSV can show the cells of the file
    # (passport or card numbers among them).
    BATCH_VIEW = "batch.view"
    # Examination and issuance
    CASE_CLAIM = "case.claim"
    CASE_ASSIGN = "case.assign"
    CASE_NOTE_ADD = "case.note_add"
    DOCUMENT_REQUEST_VIEW = "document_request.view"
    DOCUMENT_REQUEST_EXTEND = "document_request.extend"
    DOCUMENT_REQUEST_ATTACH = "document_request.attach"
    PAYMENT_ASSESS = "payment.assess"
    PAYMENT_DECLARE = "payment.declare"
    PAYMENT_CARD_RECEIVED = "payment.card_received"
    PAYMENT_CALLBACK_REFUSED = "payment.callback_refused"
    CERTIFICATE_VERIFY = "certificate.verify"
    # The foreign national's own status check (public; outcome and a keyed
    # hash of the receipt number only, never the date of birth)
    STATUS_CHECK = "status_check.lookup"
    # Webhooks of an organisation (webhooks/)
    WEBHOOK_ENDPOINT_CREATE = "webhook_endpoint.create"
    WEBHOOK_ENDPOINT_UPDATE = "webhook_endpoint.update"
    WEBHOOK_ENDPOINT_DISABLE = "webhook_endpoint.disable"
    WEBHOOK_ENDPOINT_ENABLE = "webhook_endpoint.enable"
    WEBHOOK_ENDPOINT_DELETE = "webhook_endpoint.delete"
    WEBHOOK_SECRET_ROTATE = "webhook_endpoint.rotate_secret"  # noqa: S105 - an action name
    WEBHOOK_DELIVERY_REPLAY = "webhook_delivery.replay"
    # The organisation's desk (compliance calendar)
    CALENDAR_FEED_CREATE = "calendar_feed.create"
    CALENDAR_FEED_REVOKE = "calendar_feed.revoke"
    DESK_PREFERENCE_CHANGE = "desk.preference_change"
    # Files
    FILE_UPLOAD = "file.upload"
    FILE_DOWNLOAD = "file.download"
    FILE_DELETE = "file.delete"
    # API keys (the api app)
    API_KEY_CREATE = "api_key.create"
    API_KEY_REVOKE = "api_key.revoke"
    API_KEY_REFUSED = "api_key.refused"
