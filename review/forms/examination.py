"""Forms of the examination pages (the queue's filters, assignment, notes,
requests for documents and their answer, the recommendation and its
approval).  They validate and normalise input; the views call the services,
which check the domain rules again.  (Issuance forms: ``forms_issuance``.)"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms import DateInputField
from applications.validators import period_label
from applications.workflow import Status
from portal.lib.countries import country_choices
from portal.lib.files import PrivateFileField, UploadBatch
from portal.lib.scan_quality import scan_warnings
from review import messages
from review.models import Decision
from review.selectors import DEFAULT_SORT, OPEN_STATUSES, SORTS
from review.services.document_requests import DEFAULT_DUE_DAYS, MAX_DUE_DAYS

MIN_SEARCH_LENGTH = 3
MAX_ITEMS = 8
EXPECTED_STATUS_CHOICES = [(s, s) for s in Status.values]

AGE_CHOICES = [
    ("", _("Any age")),
    ("7", _("Older than 7 days")),
    ("14", _("Older than 14 days")),
    ("30", _("Older than 30 days")),
    ("60", _("Older than 60 days")),
    ("90", _("Older than 90 days")),
]
SORT_LABELS = {
    "oldest": _("Oldest first"),
    "newest": _("Newest first"),
    "updated": _("Recently changed first"),
}


def _nfkc(value: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value or "")).strip()


def _country_choices(language: str) -> list[tuple[str, str]]:
    return country_choices(language, include_japan=True)


def _expected_status() -> forms.ChoiceField:
    # The status the page showed; the service refuses to act when the case is
    # no longer in it (somebody else changed it meanwhile).
    return forms.ChoiceField(choices=EXPECTED_STATUS_CHOICES, widget=forms.HiddenInput)


# --- The queue ------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's filters (GET).  Unknown values are errors shown on the
    page, never a crash; an invalid form lists nothing."""

    q = forms.CharField(
        label=_("Receipt number or name"),
        help_text=_(
            "The start of a receipt number, or part of the name in Roman letters "
            "as in the passport (at least 3 characters)"
        ),
        required=False,
        max_length=100,
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    type = forms.ChoiceField(label=_("Type of application"), required=False)
    residence_status = forms.ChoiceField(label=_("Status of residence"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    organization = forms.CharField(
        label=_("Organisation"),
        help_text=_("Corporate number (13 digits) or part of the name"),
        required=False,
        max_length=100,
    )
    age = forms.TypedChoiceField(
        label=_("Received"),
        choices=AGE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    due_by = DateInputField(
        label=_("Documents due on or before"),
        required=False,
        help_text=_(
            "Cases whose request for documents is due by this date. For example 2027-03-31."
        ),
    )
    assignee = forms.ChoiceField(label=_("Examiner"), required=False)
    overdue = forms.BooleanField(
        label=_("Only cases with overdue requests for documents"), required=False
    )
    answered = forms.BooleanField(
        label=_("Only cases whose requested documents arrived and wait for you"),
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(key, SORT_LABELS[key]) for key in SORTS],
    )

    def __init__(
        self,
        *args: Any,
        application_types: list[tuple[str, str]],
        statuses: list[tuple[str, str]],
        examiners: Callable[[], list[Any]],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All open cases")),
            *((s, Status(s).label) for s in OPEN_STATUSES),
            (Status.COMPLETED.value, Status.COMPLETED.label),
            (Status.DENIED.value, Status.DENIED.label),
            (Status.WITHDRAWN.value, Status.WITHDRAWN.label),
        ]
        # The long lists as callables too: Django reads them only when they
        # are rendered (the cached fragment) or a chosen value is validated,
        # so a queue page does not copy and check ~300 choices.
        cast(forms.ChoiceField, self.fields["type"]).choices = lambda: [
            ("", _("All types")),
            *application_types,
        ]
        cast(forms.ChoiceField, self.fields["residence_status"]).choices = lambda: [
            ("", _("All statuses of residence")),
            *statuses,
        ]
        cast(forms.ChoiceField, self.fields["nationality"]).choices = lambda: [
            ("", _("All nationalities")),
            *_country_choices(language),
        ]
        # A callable: Django evaluates it only when the choices are rendered
        # or a chosen examiner is validated (one query, not on every page;
        # the queue's filter form is a cached fragment).
        cast(forms.ChoiceField, self.fields["assignee"]).choices = functools.cache(
            lambda: [
                ("", _("Anyone or no one")),
                ("me", _("Assigned to me")),
                ("none", _("Not assigned")),
                *(
                    (str(u.code), f"{u.display_name} ({u.username})")
                    for u in examiners()
                ),
            ]
        )
        self.fields["q"].widget.attrs.update(
            {"spellcheck": "false", "autocomplete": "off"}
        )
        self.fields["organization"].widget.attrs.update({"autocomplete": "off"})

    def clean_q(self) -> str:
        value = _nfkc(self.cleaned_data.get("q")).upper()
        if value and len(value) < MIN_SEARCH_LENGTH:
            raise forms.ValidationError(
                _(
                    "Enter at least %(min)d characters of the receipt number or of the name"
                )
                % {"min": MIN_SEARCH_LENGTH},
                code="short",
            )
        return value

    def clean_organization(self) -> str:
        value = _nfkc(self.cleaned_data.get("organization")).replace("-", "")
        if value and not value.isdigit() and len(value) < 2:
            raise forms.ValidationError(
                _("Enter at least 2 characters of the organisation's name"),
                code="short",
            )
        return value

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT


# --- Assignment and notes -------------------------------------------------------------------------


class AssignForm(forms.Form):
    examiner = forms.ChoiceField(
        label=_("Examiner"),
        error_messages={
            "required": _("Choose the examiner"),
            "invalid_choice": _("Choose one of the office's examiners"),
        },
    )

    def __init__(self, *args: Any, examiners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.examiners = {str(u.code): u for u in examiners}
        cast(forms.ChoiceField, self.fields["examiner"]).choices = [
            ("", _("Choose an examiner")),
            *(
                (code, f"{u.display_name} ({u.username})")
                for code, u in self.examiners.items()
            ),
        ]

    def clean_examiner(self) -> Any:
        return self.examiners[self.cleaned_data["examiner"]]


class NoteForm(forms.Form):
    text = forms.CharField(
        # No hint: the notes section above the form already says that only
        # officers see notes (the tester found the sentence twice).
        label=_("Add an internal note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": messages.NOTE_REQUIRED},
    )

    def clean_text(self) -> str:
        value = (self.cleaned_data.get("text") or "").strip()
        if not value:
            raise forms.ValidationError(messages.NOTE_REQUIRED, code="required")
        return value


# --- Requests for documents ----------------------------------------------------------------------


def _check_due(value: date) -> date:
    today = timezone.localdate()
    if value <= today:
        raise forms.ValidationError(messages.DUE_DATE_PAST, code="past")
    if value > today + timedelta(days=MAX_DUE_DAYS):
        raise forms.ValidationError(
            messages.DUE_DATE_TOO_FAR % {"days": MAX_DUE_DAYS}, code="too_far"
        )
    return value


class DocumentRequestForm(forms.Form):
    """Up to ``MAX_ITEMS`` items (what is needed, optionally a document
    type), a due date and a message.  Empty rows are ignored."""

    due_date = DateInputField(
        label=_("Due date"),
        help_text=_(
            "The applicant must send the documents by this date. For example 2027-03-31."
        ),
        error_messages={"required": messages.DUE_DATE_REQUIRED},
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    expected_status = _expected_status()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_ITEMS + 1):
            self.fields[f"item_{number}_text"] = forms.CharField(
                label=_("Document %(number)s: what is needed") % {"number": number},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"item_{number}_type"] = forms.CharField(
                label=_("Document %(number)s: type of document") % {"number": number},
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"list": "document-types"}),
            )
        # Keep the due date and message after the items.
        order = [f for f in self.fields if f.startswith("item_")]
        self.order_fields([*order, "due_date", "message", "expected_status"])

    def item_rows(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"item_{n}_text"], self[f"item_{n}_type"])
            for n in range(1, MAX_ITEMS + 1)
        ]

    def clean_due_date(self) -> date:
        return _check_due(self.cleaned_data["due_date"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        items = []
        for number in range(1, MAX_ITEMS + 1):
            text = _as_typed(data.get(f"item_{number}_text"))
            kind = _nfkc(data.get(f"item_{number}_type"))
            if kind and not text:
                self.add_error(
                    f"item_{number}_text",
                    forms.ValidationError(
                        messages.ITEM_TYPE_WITHOUT_TEXT % {"number": number},
                        code="no_text",
                    ),
                )
            elif text:
                items.append((text, kind))
        if not items and not self.has_error("item_1_text"):
            self.add_error(
                "item_1_text",
                forms.ValidationError(messages.ITEMS_REQUIRED, code="required"),
            )
        data["items"] = items
        return data

    @staticmethod
    def default_due_date() -> date:
        return timezone.localdate() + timedelta(days=DEFAULT_DUE_DAYS)


def _as_typed(value: str | None) -> str:
    """An officer's free text exactly as typed — full-width brackets, line
    breaks and all (no NFKC: it would turn （…） into (…) before the applicant
    reads it); only the blank space around it goes."""
    return (value or "").replace("\r\n", "\n").strip()


class ExtendDueDateForm(forms.Form):
    due_date = DateInputField(
        label=_("New due date"),
        help_text=_("For example 2027-03-31."),
        error_messages={"required": messages.DUE_DATE_REQUIRED},
    )
    reason = forms.CharField(
        label=_("Reason for the new due date"),
        help_text=_("The applicant sees this reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": messages.EXTENSION_REASON_REQUIRED},
    )

    def __init__(self, *args: Any, current_due_date: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_due_date = current_due_date

    def clean_due_date(self) -> date:
        value = _check_due(self.cleaned_data["due_date"])
        if value <= self.current_due_date:
            raise forms.ValidationError(
                messages.DUE_DATE_NOT_LATER
                % {"date": self.current_due_date.isoformat()},
                code="not_later",
            )
        return value

    def clean_reason(self) -> str:
        value = (self.cleaned_data.get("reason") or "").strip()
        if not value:
            raise forms.ValidationError(
                messages.EXTENSION_REASON_REQUIRED, code="required"
            )
        return value


class ItemUploadForm(forms.Form):
    """Files for one item of a request, several at once, each judged on its
    own: ``cleaned_data["upload"]`` is an ``UploadBatch``, ``warnings`` what
    looks wrong with a kept scan.  Invalid only when no file can be kept."""

    upload = PrivateFileField(
        label=_("Upload files"),
        help_text=_("PDF, JPEG or PNG. You can choose several files."),
        multiple=True,
        partial=True,
        error_messages={"required": messages.FILES_REQUIRED},
    )

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        kwargs["prefix"] = f"item{number}"
        self.warnings: list[str] = []
        super().__init__(*args, **kwargs)

    def clean_upload(self) -> UploadBatch:
        batch: UploadBatch = self.cleaned_data["upload"]
        for upload in batch.accepted:
            self.warnings.extend(scan_warnings(upload))
        return batch


class AnswerForm(forms.Form):
    """Sending the answer; when items have no file, the user confirms."""

    confirm_missing = forms.BooleanField(
        label=_("I want to send the answer although some documents are missing"),
        required=False,
    )

    def __init__(self, *args: Any, unanswered: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unanswered = unanswered
        if not unanswered:
            del self.fields["confirm_missing"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.unanswered and not data.get("confirm_missing"):
            self.add_error(
                "confirm_missing",
                forms.ValidationError(
                    messages.UNANSWERED_CONFIRM_REQUIRED, code="required"
                ),
            )
        return data


# --- The decision --------------------------------------------------------------------------


class RecommendForm(forms.Form):
    """The examiner's recommendation.  Which fields apply depends on the
    outcome and on the companions; the service checks the rules again."""

    outcome = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": messages.OUTCOME_REQUIRED},
    )
    period = forms.ChoiceField(
        label=_("Period of stay to grant"),
        required=False,
        widget=forms.RadioSelect,
    )
    reentry_until = DateInputField(
        label=_("Re-entry permit valid until"),
        required=False,
        help_text=_("If you recommend a grant. For example 2029-03-31."),
    )
    activity_terms = forms.CharField(
        label=_("Terms of the permission for other activity"),
        help_text=_("If you recommend a grant: the activity, the hours and the place."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    denial_reasons = forms.CharField(
        label=_("Reasons for the denial"),
        help_text=_("If you recommend a denial. The applicant reads these reasons."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    expected_status = _expected_status()

    def __init__(
        self,
        *args: Any,
        periods: list[str],
        reentry: bool,
        other_activity: bool,
        asks_period: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = [
            (p, period_label(p)) for p in periods
        ]
        if not asks_period:
            # A certificate of eligibility: the period is decided at landing.
            del self.fields["period"]
        if not reentry:
            del self.fields["reentry_until"]
        if not other_activity:
            del self.fields["activity_terms"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == Decision.Outcome.GRANT:
            if "period" in self.fields and not data.get("period"):
                self.add_error(
                    "period",
                    forms.ValidationError(messages.PERIOD_REQUIRED, code="required"),
                )
            if "reentry_until" in self.fields and not self.has_error("reentry_until"):
                until = data.get("reentry_until")
                if until is None:
                    self.add_error(
                        "reentry_until",
                        forms.ValidationError(
                            messages.REENTRY_UNTIL_REQUIRED, code="required"
                        ),
                    )
                elif until <= timezone.localdate():
                    self.add_error(
                        "reentry_until",
                        forms.ValidationError(messages.REENTRY_UNTIL_PAST, code="past"),
                    )
            if (
                "activity_terms" in self.fields
                and not (data.get("activity_terms") or "").strip()
            ):
                self.add_error(
                    "activity_terms",
                    forms.ValidationError(
                        messages.ACTIVITY_TERMS_REQUIRED, code="required"
                    ),
                )
        elif (
            outcome == Decision.Outcome.DENY
            and not (data.get("denial_reasons") or "").strip()
        ):
            self.add_error(
                "denial_reasons",
                forms.ValidationError(
                    messages.DENIAL_REASONS_REQUIRED, code="required"
                ),
            )
        return data


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have checked the recommendation and the case, and I approve the decision"
        ),
        error_messages={"required": messages.CONFIRM_REQUIRED},
    )
    expected_status = _expected_status()


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the examiner look at again?"),
        help_text=_("The examiner sees this comment. The applicant does not."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": messages.SEND_BACK_COMMENT_REQUIRED},
    )
    expected_status = _expected_status()

    def clean_comment(self) -> str:
        value = (self.cleaned_data.get("comment") or "").strip()
        if not value:
            raise forms.ValidationError(
                messages.SEND_BACK_COMMENT_REQUIRED, code="required"
            )
        return value
