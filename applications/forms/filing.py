"""Forms of the filing flow: starting an application and the pages of a draft.

Forms validate and normalise (``applications.validators``); they never save.
Each page of a draft carries the draft's ``version`` (optimistic locking) and
gives the view what to write through ``applications.services``.  Domain rules
(windows, periods allowed for a status, re-entry validity …) are not checked
here but by ``applications.eligibility`` at check-your-answers, and shown on
the page whose answer must change (``add_rule_errors``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from applications import eligibility, validators
from applications.forms.fields import (
    Catalogue,
    DateInputField,
    choice_field,
    clean_status_pair,
    localized_name,
)
from applications.forms.people import ForeignNationalForm
from applications.messages import (
    ACTIVITY_REQUIRED,
    CHOOSE_ORGANIZATION,
    CHOOSE_PERSON,
    CHOOSE_TYPE,
    DECLARATION_REQUIRED,
    DOCUMENT_REQUIRED,
    EVENT_DATE_FUTURE,
    EVENT_DATE_REQUIRED,
    OTHER_DETAILS_REQUIRED,
    OTHER_KIND_REQUIRED,
    REENTRY_UNTIL_REQUIRED,
    REENTRY_VARIANT_REQUIRED,
    REQUESTED_PERIOD_REQUIRED,
    TARGET_STATUS_REQUIRED,
)
from applications.models import (
    Application,
    ApplicationType,
    DocumentSlot,
)
from portal.lib.choices import ChoiceWidgetsMixin
from portal.lib.files import CleanedUpload, Kind, PrivateFileField, UploadBatch
from portal.lib.scan_quality import scan_warnings

# --- Starting an application ------------------------------------------------------------


class OrganizationChoiceForm(ChoiceWidgetsMixin, forms.Form):
    organization = forms.ChoiceField(
        label=_("Which organisation are you filing for?"),
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_ORGANIZATION},
    )

    def __init__(
        self, *args: Any, organizations: list[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.code): o for o in organizations}
        choice_field(self, "organization").choices = [
            (code, o.name_ja) for code, o in self.organizations.items()
        ]
        self.fields["organization"].error_messages["invalid_choice"] = (
            CHOOSE_ORGANIZATION
        )

    def clean_organization(self) -> Organization:
        return self.organizations[self.cleaned_data["organization"]]


class PersonChoiceForm(ChoiceWidgetsMixin, forms.Form):
    """Who the application is for: a person the organisation already has a
    record of (``fn:<code>``) or someone on its roster (``roster:<code>``)."""

    person = forms.ChoiceField(
        label=_("Who is the application for?"),
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_PERSON, "invalid_choice": CHOOSE_PERSON},
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "person").choices = choices


COMPANION_CHOICES = [
    (eligibility.REENTRY, _("Re-entry permit")),
    (
        eligibility.OTHER_ACTIVITY,
        _("Permission to engage in activity other than that permitted"),
    ),
]
TYPE_HINTS = {
    eligibility.COE: _("For someone who will come to Japan. No fee."),
    eligibility.CHANGE: _(
        "For someone in Japan whose activity changes, for example a student starting work."
    ),
    eligibility.EXTENSION: _(
        "To stay longer with the same status. Apply from about 3 months before the "
        "period of stay ends (for a stay of 6 months or more); online, at the latest "
        "the day before it ends."
    ),
    eligibility.ACQUISITION: _(
        "Within 30 days of birth in Japan or of losing Japanese nationality, for "
        "someone who will stay more than 60 days. No fee."
    ),
    eligibility.AUTHORIZED_EMPLOYMENT: _(
        "A certificate of the work the person may do, for example after changing jobs."
    ),
}


class TypeChoiceForm(ChoiceWidgetsMixin, forms.Form):
    """The type of application (1–5) and its companions (6, 7)."""

    application_type = forms.ChoiceField(
        label=_("What do you want to apply for?"),
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_TYPE, "invalid_choice": CHOOSE_TYPE},
    )
    companions = forms.MultipleChoiceField(
        label=_("Apply at the same time for"),
        choices=COMPANION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only with a change of status, an extension or an acquisition. You give "
            "the details later."
        ),
    )

    def __init__(self, *args: Any, types: list[ApplicationType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.types = {t.code: t for t in types}
        choice_field(self, "application_type").choices = [
            (t.code, f"{t.number}. {localized_name(t)}")
            for t in types
            if not t.is_companion
        ]

    def type_choices(self) -> list[tuple[Any, Any]]:
        """(radio, hint) pairs for the template."""
        return [
            (radio, TYPE_HINTS.get(str(radio.data["value"]), ""))
            for radio in self["application_type"]
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("application_type")
        companions = cleaned.get("companions") or []
        if code and companions:
            failure = eligibility.rule_companions_only_with_main(
                eligibility.Filing(
                    application_type=code,
                    today=timezone.localdate(),
                    companions=tuple(companions),
                )
            )
            if failure is not None:
                self.add_error("companions", str(failure.message))
        return cleaned

    def chosen(self) -> tuple[ApplicationType, list[ApplicationType]]:
        data = self.cleaned_data
        return (
            self.types[data["application_type"]],
            [self.types[c] for c in data.get("companions") or []],
        )


# --- Pages of a draft ---------------------------------------------------------------------


class DraftForm(ChoiceWidgetsMixin, forms.Form):
    """A page of a draft: knows the version it was loaded with."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.application = application
        kwargs["initial"] = {
            **self.initial_from(application),
            **kwargs.get("initial", {}),
            "version": application.version,
        }
        super().__init__(*args, **kwargs)

    def initial_from(self, application: Application) -> dict[str, Any]:
        return {}

    def add_rule_errors(self, failures: Iterable[eligibility.Failure]) -> None:
        """Show eligibility failures at their fields (a bound form only)."""
        for failure in failures:
            name = failure.field if failure.field in self.fields else None
            self.add_error(name, str(failure.message))


class PersonStepForm(ForeignNationalForm):
    """The person page of a draft: the foreign national's details, written
    back to the organisation's record of the person."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Eligibility fields that live on this page under another name.
    RULE_FIELDS = {"expiry": "period_expiry"}

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.application = application
        kwargs.setdefault("initial", {})["version"] = application.version
        super().__init__(
            *args,
            organization=application.organization,
            instance=application.foreign_national,
            in_japan=application.application_type.residence_card_required,
            **kwargs,
        )

    def add_rule_errors(self, failures: Iterable[eligibility.Failure]) -> None:
        for failure in failures:
            name = self.RULE_FIELDS.get(failure.field, failure.field)
            self.add_error(name if name in self.fields else None, str(failure.message))


class ApplicationStepForm(DraftForm):
    """What is applied for: the status and period (COE, change, acquisition),
    the period (extension), the date of the event (acquisition), the activity
    (certificate of authorised employment)."""

    target_status = forms.ChoiceField(
        label=_("Status of residence applied for"),
        error_messages={"required": TARGET_STATUS_REQUIRED},
    )
    target_subcategory = forms.ChoiceField(
        label=_("Category of that status"),
        required=False,
        help_text=_(
            "Only for statuses with categories, such as Specified Skilled Worker."
        ),
    )
    requested_period = forms.ChoiceField(
        label=_("Period of stay applied for"),
        error_messages={"required": REQUESTED_PERIOD_REQUIRED},
    )
    event_date = DateInputField(
        label=_("Date of the event"),
        help_text=_(
            "The date of birth in Japan, of losing Japanese nationality or of another "
            "event that requires the status. For example 2027-03-31 (YYYY-MM-DD)."
        ),
        not_future=True,
        future_message=EVENT_DATE_FUTURE,
        error_messages={"required": EVENT_DATE_REQUIRED},
    )
    activity = forms.CharField(
        label=_("Activity the certificate should cover"),
        help_text=_(
            "The employer, the place of work and the work the person does or will do."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": ACTIVITY_REQUIRED},
    )

    def __init__(
        self, *args: Any, catalogue: Catalogue | None = None, **kwargs: Any
    ) -> None:
        self.catalogue = catalogue or Catalogue.load()
        super().__init__(*args, **kwargs)
        code = self.application.application_type.code
        keep = {"version"}
        if code in (eligibility.COE, eligibility.CHANGE, eligibility.ACQUISITION):
            keep |= {"target_status", "target_subcategory", "requested_period"}
        if code == eligibility.EXTENSION:
            keep |= {"requested_period"}
        if code == eligibility.ACQUISITION:
            keep |= {"event_date"}
        if code == eligibility.AUTHORIZED_EMPLOYMENT:
            keep |= {"activity"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "target_status" in self.fields:
            choice_field(
                self, "target_status"
            ).choices = self.catalogue.status_choices()
            choice_field(
                self, "target_subcategory"
            ).choices = self.catalogue.subcategory_choices()
        if "requested_period" in self.fields:
            choice_field(
                self, "requested_period"
            ).choices = self.catalogue.period_choices(self.allowed_periods())

    def allowed_periods(self) -> list[str] | None:
        """For an extension, the periods of the person's current status (its
        category's, if it has one); None (every period) otherwise — the
        eligibility rule then says whether the one chosen fits the status."""
        if self.application.application_type.code != eligibility.EXTENSION:
            return None
        person = self.application.foreign_national
        sub = self.catalogue.subcategory(person.current_subcategory_id)
        if sub is not None:
            return sub.effective_periods or None
        status = self.catalogue.status(person.current_status_id)
        if status is None:
            return None
        return list(status.periods) or None

    def initial_from(self, application: Application) -> dict[str, Any]:
        return {
            "target_status": application.target_status_id or "",
            "target_subcategory": application.target_subcategory_id or "",
            "requested_period": application.requested_period,
            "event_date": application.event_date,
            "activity": (application.answers or {}).get("activity", ""),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "target_status" in self.fields:
            clean_status_pair(
                self,
                self.catalogue,
                "target_status",
                "target_subcategory",
                required_message=TARGET_STATUS_REQUIRED,
            )
        return cleaned

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {}
        if "target_status" in self.fields:
            fields["target_status"] = data["target_status"]
            fields["target_subcategory"] = data["target_subcategory"]
        if "requested_period" in self.fields:
            fields["requested_period"] = data["requested_period"]
        if "event_date" in self.fields:
            fields["event_date"] = data["event_date"]
        if "activity" in self.fields:
            fields["answers"] = {"activity": " ".join(data["activity"].split())}
        return fields


class CompanionsForm(DraftForm):
    """The companions filed with a change, extension or acquisition, with
    their details: a re-entry permit (single or multiple, valid until) and
    permission for other activity (comprehensive or individual, and what)."""

    companions = forms.MultipleChoiceField(
        label=_("Apply at the same time for"),
        choices=COMPANION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reentry_variant = forms.ChoiceField(
        label=_("Re-entry permit: single or multiple"),
        choices=[
            ("single", _("Single (one re-entry)")),
            ("multiple", _("Multiple (any number of re-entries)")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reentry_until = DateInputField(
        label=_("Re-entry permit valid until"),
        required=False,
        help_text=_(
            "At most 5 years from today and within the period of stay. With a change "
            "or an extension, that is the period of stay asked for in this "
            "application; if a shorter one is granted, the permit ends with it. For "
            "example 2028-03-31 (YYYY-MM-DD)."
        ),
    )
    other_activity_kind = forms.ChoiceField(
        label=_("Kind of permission for other activity"),
        choices=[
            ("comprehensive", _("Comprehensive (up to 28 hours a week, any employer)")),
            ("individual", _("Individual (a named employer and work)")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    other_activity_details = forms.CharField(
        label=_("The other activity"),
        help_text=_("The employer or school, where, the work and the hours per week."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def initial_from(self, application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {"companions": []}
        for companion in application.companions.select_related("application_type"):
            code = companion.application_type.code
            initial["companions"].append(code)
            if code == eligibility.REENTRY:
                initial["reentry_variant"] = companion.reentry_variant
                initial["reentry_until"] = companion.reentry_until
            elif code == eligibility.OTHER_ACTIVITY:
                initial["other_activity_kind"] = companion.other_activity_kind
                initial["other_activity_details"] = companion.other_activity_details
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("companions") or []
        if eligibility.REENTRY in chosen:
            if not cleaned.get("reentry_variant"):
                self.add_error("reentry_variant", REENTRY_VARIANT_REQUIRED)
            if not cleaned.get("reentry_until") and "reentry_until" not in self.errors:
                self.add_error("reentry_until", REENTRY_UNTIL_REQUIRED)
        if eligibility.OTHER_ACTIVITY in chosen:
            if not cleaned.get("other_activity_kind"):
                self.add_error("other_activity_kind", OTHER_KIND_REQUIRED)
            if not (cleaned.get("other_activity_details") or "").strip():
                self.add_error("other_activity_details", OTHER_DETAILS_REQUIRED)
        return cleaned

    def wanted(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        chosen = data.get("companions") or []
        wanted: dict[str, dict[str, Any]] = {}
        if eligibility.REENTRY in chosen:
            wanted[eligibility.REENTRY] = {
                "reentry_variant": data["reentry_variant"],
                "reentry_until": data["reentry_until"],
            }
        if eligibility.OTHER_ACTIVITY in chosen:
            wanted[eligibility.OTHER_ACTIVITY] = {
                "other_activity_kind": data["other_activity_kind"],
                "other_activity_details": " ".join(
                    data["other_activity_details"].split()
                ),
            }
        return wanted


class DocumentUploadForm(DraftForm):
    """Files for one document slot, several at once: PDF, JPEG or PNG by
    content; a photo slot takes JPEG or PNG only (``validators.check_photo``).

    Each file is judged on its own: ``cleaned_data["upload"]`` is an
    ``UploadBatch`` of the files to store and the errors of those refused, and
    ``warnings`` lists what looks wrong with a kept scan (``scan_warnings``).
    The form is invalid only when no file can be kept."""

    upload = PrivateFileField(
        label=_("Upload files"),
        multiple=True,
        partial=True,
        error_messages={"required": DOCUMENT_REQUIRED},
    )

    def __init__(self, *args: Any, slot: DocumentSlot, **kwargs: Any) -> None:
        self.slot = slot
        self.warnings: list[str] = []
        kwargs.setdefault("prefix", slot.code)
        super().__init__(*args, **kwargs)
        if slot.photo:
            field = self.fields["upload"]
            if isinstance(field, PrivateFileField):
                field.allowed = frozenset({Kind.JPEG, Kind.PNG})
                field.widget.attrs["accept"] = (
                    "image/jpeg,.jpg,.jpeg,.jpe,image/png,.png"
                )

    def clean_upload(self) -> UploadBatch:
        batch: UploadBatch = self.cleaned_data["upload"]
        accepted: list[CleanedUpload] = []
        for upload in batch.accepted:
            if self.slot.photo:
                try:
                    validators.check_photo(upload.content, name=upload.original_name)
                except ValidationError as exc:
                    batch.rejected.append(exc)
                    continue
            else:
                self.warnings.extend(scan_warnings(upload))
            accepted.append(upload)
        if not accepted:
            self.warnings = []
            raise ValidationError(batch.rejected)
        return UploadBatch(accepted=accepted, rejected=batch.rejected)


class RemoveFileForm(DraftForm):
    item = forms.UUIDField()


class SubmitForm(DraftForm):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information in this application is true and correct, "
            "and that the documents are genuine."
        ),
        error_messages={"required": DECLARATION_REQUIRED},
    )


class DeleteDraftForm(DraftForm):
    pass
