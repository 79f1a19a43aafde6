"""User-facing error texts of the accounts app, in one place so wording and
translation are reviewed together.  The codes of the app's domain errors
(``accounts/errors.py``) are registered at the end of this module, which
``AccountsConfig.ready`` imports; views show them with
``portal.lib.errors.show_error`` / ``message_for``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.lib.errors import register_messages

MISSING_CATEGORY = _("Choose your user category.")
MISSING_ORGANIZATION = _("Complete the organisation's details.")
MISSING_CORPORATE_NUMBER = _("Enter the corporate number of the organisation.")
MISSING_PERSON = _("Complete your own details (name, kana, phone, position).")
MISSING_TORITSUGI = _(
    "Enter the number of your filing-agent notification certificate and who issued it."
)
MISSING_ROSTER = _("Import the list of foreign employees and planned hires.")
MISSING_DECLARATIONS = _("Confirm each of the requirements.")
MISSING_DOCUMENT = _("Upload the {document}.")
MISSING_OFFICE = _("Choose the immigration office.")
OFFICE_NOT_ACCEPTING = _(
    "This office does not take requests for use. Choose the office for your organisation's area."
)
DUPLICATE_PENDING = _(
    "You already have a request for this organisation waiting for a decision. "
    "Wait for its result or correct the returned one."
)

# --- The requester's side (accounts/views/request_*.py, forms/request.py, validators) -

CORPORATE_NUMBER_FORMAT = _(
    "Enter the corporate number as 13 digits, for example 4011001098993."
)
CORPORATE_NUMBER_CHECK_DIGIT = _(
    "This is not a valid corporate number: its check digit (the first digit) does not "
    "match. Check the number on the National Tax Agency's corporate number site."
)
POSTAL_CODE_INVALID = _("Enter the postal code as 7 digits, for example 100-0001.")
PHONE_INVALID = _(
    "Enter a Japanese phone number of 10 or 11 digits starting with 0, for example "
    "03-1234-5678."
)
KANA_INVALID = _(
    "Enter the name in katakana or hiragana only, for example ヤマダ タロウ."
)
EMAIL_RATE_LIMITED = _(
    "Too many links have been requested. Use the latest link we emailed you, or try "
    "again in an hour."
)
STALE_EDIT = _(
    "This request was changed in another tab or by someone else after you opened this "
    "page. Nothing you entered here was saved. The page now shows the latest saved "
    "answers: make your change again."
)
TOKEN_UNKNOWN = _(
    "This link is not valid. Check that you copied the whole link from the email."
)
TOKEN_USED = _("This link has already been used. Each link can be used only once.")
TOKEN_EXPIRED = _("This link has expired. Links are valid for one hour.")
SESSION_NEEDED = _("To continue, confirm your email address again.")
CHOOSE_CATEGORY = _("Choose your user category.")
CHOOSE_CORPORATION = _("Choose whether the organisation is a corporation.")
CHOOSE_ORG_CATEGORY = _("Choose the organisation's category.")
CHOOSE_PREFECTURE = _("Choose the prefecture.")
CHOOSE_OFFICE = _("Choose the immigration office.")
MISSING_AFFILIATION = _("Enter your law office, corporation or support organisation.")
APPOINTER_NOT_REGISTERED = _(
    "No organisation with this corporate number uses the portal yet. An additional "
    "appointing organisation must already use the portal; otherwise that organisation "
    "must file its own request for use first."
)
APPOINTER_DUPLICATE = _("This organisation is already in your request.")
DECLARATION_REQUIRED = _(
    "Confirm this requirement. If it is not true for the organisation, the request for "
    "use cannot be approved."
)
DOCUMENT_REQUIRED = _("Choose a file to upload.")
ROSTER_FILE_REQUIRED = _("Choose the CSV file with the list.")
ROSTER_FILE_TOO_LARGE = _(
    "The CSV file is larger than {limit} MB. Split it or remove empty rows."
)
ROSTER_NOT_IMPORTED = _(
    "Nothing was imported. Correct every problem listed below in your file and upload "
    "it again."
)
ROSTER_LINE_ERROR = _("Line {line}, column {column}: {message}")
NOT_EDITABLE = _("This request can no longer be changed.")

# --- The organisation side (views/organization.py, periodic_report.py, forms) ---------

PERIODIC_CONFIRM_USERS = _("Confirm that the list of portal users is correct.")
PERIODIC_CONFIRM_ROSTER = _(
    "Confirm that the list of foreign employees and planned hires is correct."
)
PERIODIC_NOT_EDITABLE = _(
    "This periodic report has been submitted and can no longer be changed."
)
ROSTER_CONFLICT = _(
    "This person is already on the list (same name, date of birth and nationality). "
    "Change that entry instead."
)
READ_ONLY_SUSPENDED = _(
    "Your account is suspended, so you can read but not change anything. Contact the "
    "immigration office that approved your request for use."
)
READ_ONLY_EXPIRED = _(
    "Your approval to use the portal ended on {date}, so you can read but not change "
    "anything. To renew it, a user of your organisation whose approval is still valid "
    "files the periodic report; otherwise contact the immigration office that approved "
    "your request for use."
)
ONLY_MEMBERS_END_APPOINTMENTS = _(
    "Only the organisation's own staff can end an appointment."
)
ENTER_ORG_NAME = _("Enter the name of the organisation in Japanese.")
ENTER_POSTAL_CODE = _("Enter the postal code.")
ENTER_ADDRESS = _("Enter the address of the organisation.")
ENTER_REPRESENTATIVE = _("Enter the name of the organisation's representative.")
ENTER_ORG_PHONE = _("Enter the organisation's phone number.")
ENTER_FULL_NAME = _("Enter your full name.")
ENTER_KANA = _("Enter your full name in kana.")
ENTER_PHONE = _("Enter your phone number.")
ENTER_POSITION = _("Enter your position or job title.")
ENTER_TORITSUGI_NUMBER = _(
    "Enter the number of your filing-agent notification certificate."
)
ENTER_TORITSUGI_ISSUER = _("Enter who issued the certificate.")
ENTER_APPOINTER_NAME = _("Enter the name of the organisation.")
ENTER_APPOINTER_NUMBER = _("Enter the corporate number of the organisation.")

# --- Reception: decisions, accounts and officer roles ----------------------------------

NOT_WAITING_FOR_DECISION = _("This request is not waiting for a decision.")
DECIDED_ELSEWHERE = _(
    "This request was changed by someone else since you opened it "
    "(it is now “%(status)s”). Check it again before you decide."
)
ACCOUNT_ACTION_NOT_POSSIBLE = _(
    "This action is not possible for the account in its current status."
)
ACCOUNT_ACTION_NOT_IN_STATUS = _(
    "This action is not possible for an account that is “%(status)s”."
)

PASSWORD_ALREADY_SET = _(
    "This user has already set a password; they can reset it from the sign-in page."
)
REVOKED_NO_LINK = _("A revoked account cannot be given a new link.")
OFFICER_ROLE_OTHER_BUREAU = _(
    "You can grant and withdraw roles only at the offices of your own regional bureau."
)
OFFICER_ROLE_NOT_GRANTABLE = _(
    "Only a system administrator can grant or withdraw this role."
)
OFFICER_ROLE_PORTAL_USER = _(
    "This is an organisation's portal account; it cannot be given an officer role."
)

TOKEN_REPLACED = _(
    "A newer link to set your password was sent after this one, so this link no "
    "longer works. Use the link in the most recent email."
)
EXISTING_ACCOUNT_OFFICER = _(
    "This email address belongs to an officer's account. Return the request and "
    "ask for another email address."
)
EXISTING_ACCOUNT_REVOKED = _(
    "This email address belongs to a revoked account, which cannot be used again. "
    "Return or reject the request."
)
EXISTING_ACCOUNT_OTHER_CATEGORY = _(
    "This email address belongs to an account of another user category. Return "
    "the request and ask the requester to choose the category of their account."
)

# --- Appointments by user ID ---------------------------------------------------------

# The same words whether the ID is unknown or names an account that cannot be
# appointed: the form does not tell strangers which user IDs exist.
APPOINTEE_NOT_AVAILABLE = _(
    "This user ID cannot be appointed. Check it with the person: it must be the "
    "user ID of an active attorney, administrative scrivener, or staff member of a "
    "public-interest corporation or registered support organisation."
)
APPOINTEE_ALREADY_APPOINTED = _(
    "This user is already appointed by the organisation, or has an appointment "
    "waiting for their answer. Change that appointment instead."
)
APPOINTMENT_TOO_MANY_ATTEMPTS = _(
    "Too many user IDs were tried. Wait an hour, then try again."
)
APPOINTMENT_ACCEPT_NEEDS_ACTIVE_ACCOUNT = _(
    "You can accept an appointment only while your account is active and your "
    "approval to use the portal is valid."
)

register_messages(
    {
        "appointee_not_available": APPOINTEE_NOT_AVAILABLE,
        "appointee_already_appointed": APPOINTEE_ALREADY_APPOINTED,
        "appointment_too_many_attempts": APPOINTMENT_TOO_MANY_ATTEMPTS,
        "appointment_accept_needs_active_account": (
            APPOINTMENT_ACCEPT_NEEDS_ACTIVE_ACCOUNT
        ),
        "token_unknown": TOKEN_UNKNOWN,
        "token_replaced": TOKEN_REPLACED,
        "existing_account_officer": EXISTING_ACCOUNT_OFFICER,
        "existing_account_revoked": EXISTING_ACCOUNT_REVOKED,
        "existing_account_other_category": EXISTING_ACCOUNT_OTHER_CATEGORY,
        "token_used": TOKEN_USED,
        "token_expired": TOKEN_EXPIRED,
        "roster_conflict": ROSTER_CONFLICT,
        "password_already_set": PASSWORD_ALREADY_SET,
        "revoked_no_link": REVOKED_NO_LINK,
        "officer_role_other_bureau": OFFICER_ROLE_OTHER_BUREAU,
        "officer_role_not_grantable": OFFICER_ROLE_NOT_GRANTABLE,
        "officer_role_portal_user": OFFICER_ROLE_PORTAL_USER,
    }
)

# The code step of two-step verification (accounts/forms/mfa.py and the MFA
# adapter): each error says what to do next.
MFA_CODE_REQUIRED = _(
    "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
)
MFA_CODE_REQUIRED_SETUP = _("Enter the 6-digit code your authenticator app shows.")
MFA_CODE_NOT_DIGITS = _(
    "The code is made of digits only. Enter the digits your authenticator app "
    "shows (spaces are fine)."
)
MFA_CODE_LENGTH = _(
    "The code is %(digits)s digits (a recovery code is %(recovery_digits)s). Enter "
    "the newest code from your authenticator app; codes change every 30 seconds."
)
MFA_CODE_LENGTH_SETUP = _(
    "The code is %(digits)s digits. Enter the newest code from your authenticator "
    "app; codes change every 30 seconds."
)
MFA_CODE_INCORRECT = _(
    "That code is not right. Enter the newest code from your authenticator app: "
    "codes change every 30 seconds, and each can be used once. If it still fails, "
    "check that the clock of your phone is set automatically."
)
