"""Writes for accounts: requests for use, their decisions, accounts,
appointments, officer roles, the roster and periodic reports.  Every state
change follows the same order: lock the row, check the actor (the rules in
``accounts.permissions``), check the transition table, apply domain guards,
write with update_fields, audit and queue notifications — all in one
transaction.  The public names are re-exported here; callers import
``accounts.services``."""

from __future__ import annotations

from accounts.errors import (
    PasswordLinkRefused,
    Problem,
    RequestIncomplete,
    RosterConflict,
    TokenError,
)
from accounts.services.appointments import (
    appointment_accept,
    appointment_change,
    appointment_decline,
    appointment_end,
    appointment_offer,
    normalize_user_id,
)
from accounts.services.lifecycle import (
    REMINDER_DAYS,
    account_reinstate,
    account_revoke,
    account_suspend,
    expiry_reminders_send,
    officer_role_grant,
    officer_role_revoke,
)
from accounts.services.periodic_reports import (
    OPEN_REPORT_STATUSES,
    periodic_report_document_add,
    periodic_report_document_remove,
    periodic_report_start,
    periodic_report_submit,
)
from accounts.services.roster import (
    ROSTER_FIELDS,
    roster_entry_delete,
    roster_entry_save,
    roster_export,
    roster_import,
)
from accounts.services.tokens import (
    EMAIL_PROOF_LIFETIME,
    SET_PASSWORD_LIFETIME,
    email_proof_redeem,
    email_proof_send,
    set_password_complete,
    set_password_link_refused,
    set_password_link_reissue,
)
from accounts.services.use_request_decisions import (
    use_request_approve,
    use_request_reject,
    use_request_return,
)
from accounts.services.use_requests import (
    use_request_appointer_add,
    use_request_appointer_remove,
    use_request_create,
    use_request_document_remove,
    use_request_documents_add,
    use_request_submit,
    use_request_transition,
    use_request_update,
)
from portal.lib.errors import StaleEdit

__all__ = [
    "EMAIL_PROOF_LIFETIME",
    "OPEN_REPORT_STATUSES",
    "REMINDER_DAYS",
    "ROSTER_FIELDS",
    "SET_PASSWORD_LIFETIME",
    "PasswordLinkRefused",
    "Problem",
    "RequestIncomplete",
    "RosterConflict",
    "StaleEdit",
    "TokenError",
    "account_reinstate",
    "account_revoke",
    "account_suspend",
    "appointment_accept",
    "appointment_change",
    "appointment_decline",
    "appointment_end",
    "appointment_offer",
    "email_proof_redeem",
    "email_proof_send",
    "expiry_reminders_send",
    "normalize_user_id",
    "officer_role_grant",
    "officer_role_revoke",
    "periodic_report_document_add",
    "periodic_report_document_remove",
    "periodic_report_start",
    "periodic_report_submit",
    "roster_entry_delete",
    "roster_entry_save",
    "roster_export",
    "roster_import",
    "set_password_complete",
    "set_password_link_refused",
    "set_password_link_reissue",
    "use_request_appointer_add",
    "use_request_appointer_remove",
    "use_request_approve",
    "use_request_create",
    "use_request_document_remove",
    "use_request_documents_add",
    "use_request_reject",
    "use_request_return",
    "use_request_submit",
    "use_request_transition",
    "use_request_update",
]
