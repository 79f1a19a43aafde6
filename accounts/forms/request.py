"""Forms of the request for use (the requester's wizard).

Forms validate and normalise (``accounts.validators``); they never save.  Each
step form carries the draft's ``version`` (optimistic locking) and gives the
view the model fields to write through ``use_request_update`` with
``changes()``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import messages, validators
from accounts.declarations import DECLARATIONS as ALL_DECLARATIONS
from accounts.models import Office, Organization, Prefecture, User, UseRequest
from portal.lib.files import PrivateFileField, UploadBatch
from portal.lib.scan_quality import scan_warnings

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

USER_CATEGORY_HINTS = {
    User.Category.ORG_STAFF: _(
        "You work for the company, school or other organisation that employs or "
        "accepts the foreign nationals."
    ),
    User.Category.ATTORNEY: _(
        "You are an attorney or administrative scrivener who has notified your bar "
        "association or association of administrative scriveners as a filing agent, "
        "and an organisation has appointed you."
    ),
    User.Category.PUBLIC_INTEREST: _(
        "You work for a public-interest corporation that an organisation has appointed."
    ),
    User.Category.SUPPORT_ORG: _(
        "You work for a registered support organisation for Specified Skilled Workers "
        "that an organisation has appointed."
    ),
}

# domain-facts §5.7, in short.
ORG_CATEGORY_HINTS = {
    Organization.Category.ONE: _(
        "Listed on a Japanese stock exchange; a mutual insurance company; a national or "
        "local government body; an independent administrative institution; a special "
        "or authorised corporation; a public-interest corporation; or another "
        "organisation on the Immigration Services Agency's list."
    ),
    Organization.Category.TWO: _(
        "The summary of legal records on employment income (法定調書合計表) for last "
        "year shows withholding tax of 10 million yen or more, or the organisation's "
        "request for use has been approved before."
    ),
    Organization.Category.THREE: _(
        "The organisation filed last year's summary of legal records on employment "
        "income but is not in category 2."
    ),
    Organization.Category.FOUR: _(
        "None of the above, for example a newly established organisation that has not "
        "filed a summary of legal records yet."
    ),
}

# The leaflet's five requirements (2020), each declared on its own: the one
# list in accounts/declarations.py, as (field, wording) pairs.
DECLARATIONS: list[tuple[str, Any]] = [
    (declaration.field, declaration.text) for declaration in ALL_DECLARATIONS
]


class TextField(forms.CharField):
    """A text field whose value is normalised (NFKC, white space) before the
    length and required checks."""

    def to_python(self, value: Any) -> str:
        return validators.normalize_text(super().to_python(value))


def _text(
    label: Any,
    *,
    max_length: int,
    autocomplete: str = "",
    required: bool = True,
    width: str = "",
    help_text: Any = "",
) -> TextField:
    attrs = {}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if width:
        attrs["class"] = f"input--width-{width}"
    return TextField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


class NormalizedEmailField(forms.EmailField):
    """An email address typed in full width (ｙａｍａｄａ＠…) is made half width."""

    def to_python(self, value: Any) -> str:
        return validators.normalize_text(super().to_python(value)).replace(" ", "")


class EmailForm(forms.Form):
    email = NormalizedEmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "We will send a link to this address. Use an address you can read at work; "
            "your user ID will be sent to it when the request is approved."
        ),
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "email",
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.jp."),
        },
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip()


def _with_hints(
    bound_field: forms.BoundField, hints: dict[Any, Any]
) -> list[tuple[Any, Any]]:
    """(radio, hint) pairs, for radios whose options each need an explanation."""
    by_value = {str(getattr(k, "value", k)): v for k, v in hints.items()}
    return [
        (radio, by_value.get(str(radio.data["value"]), "")) for radio in bound_field
    ]


class StepForm(forms.Form):
    """A page of the wizard: knows the draft's version it was loaded with."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Field → what to say when it is left empty (GOV.UK: say what to enter).
    required_messages: dict[str, Any] = {}

    def __init__(self, *args: Any, use_request: UseRequest, **kwargs: Any) -> None:
        self.use_request = use_request
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            **self.initial_from(use_request),
            **kwargs["initial"],
            "version": use_request.version,
        }
        super().__init__(*args, **kwargs)
        for name, message in self.required_messages.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

    def initial_from(self, use_request: UseRequest) -> dict[str, Any]:
        return {
            name: getattr(use_request, name)
            for name in self.base_fields
            if name != "version" and hasattr(use_request, name)
        }

    def changes(self) -> dict[str, Any]:
        """Model field → value, for ``use_request_update``."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class CategoryForm(StepForm):
    user_category = forms.TypedChoiceField(
        label=_("Which of these describes you?"),
        choices=User.Category.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": messages.CHOOSE_CATEGORY},
    )

    def category_choices(self) -> list[tuple[Any, Any]]:
        return _with_hints(self["user_category"], USER_CATEGORY_HINTS)


class PrefectureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name_en if get_language() == "en" else obj.name_ja


class OrganizationForm(StepForm):
    required_messages = {
        "org_name_ja": messages.ENTER_ORG_NAME,
        "org_postal_code": messages.ENTER_POSTAL_CODE,
        "org_address": messages.ENTER_ADDRESS,
        "org_representative": messages.ENTER_REPRESENTATIVE,
        "org_phone": messages.ENTER_ORG_PHONE,
    }

    org_name_ja = _text(
        _("Name of the organisation in Japanese"),
        max_length=200,
        autocomplete="section-org organization",
    )
    org_name_en = _text(
        _("Name of the organisation in English"),
        max_length=200,
        autocomplete="off",
        required=False,
    )
    org_is_corporation = forms.TypedChoiceField(
        label=_("Is the organisation a corporation?"),
        help_text=_(
            "A corporation (法人), such as a kabushiki kaisha, has a 13-digit corporate "
            "number. Choose no for a sole proprietor."
        ),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": messages.CHOOSE_CORPORATION},
    )
    org_corporate_number = TextField(
        label=_("Corporate number"),
        required=False,
        max_length=40,
        help_text=_(
            "13 digits, for example 4011001098993. Only if the organisation is a "
            "corporation."
        ),
        widget=forms.TextInput(
            attrs={
                "class": "input--width-20",
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    org_postal_code = TextField(
        label=_("Postal code"),
        max_length=16,
        help_text=_("For example 100-0001."),
        widget=forms.TextInput(
            attrs={
                "class": "input--width-10",
                "inputmode": "numeric",
                "autocomplete": "section-org postal-code",
            }
        ),
    )
    org_prefecture = PrefectureChoiceField(
        label=_("Prefecture"),
        queryset=Prefecture.objects.order_by("code"),
        empty_label=_("Choose the prefecture"),
        widget=forms.Select(attrs={"autocomplete": "section-org address-level1"}),
        error_messages={
            "required": messages.CHOOSE_PREFECTURE,
            "invalid_choice": messages.CHOOSE_PREFECTURE,
        },
    )
    org_address = _text(
        _("Address (city, street and building)"),
        max_length=200,
        autocomplete="section-org street-address",
    )
    org_representative = _text(
        _("Name of the representative"),
        max_length=100,
        autocomplete="off",
        help_text=_("For example the president (代表取締役)."),
    )
    org_phone = TextField(
        label=_("Phone number of the organisation"),
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "class": "input--width-20",
                "inputmode": "tel",
                "autocomplete": "section-org tel",
                "type": "tel",
            }
        ),
    )
    org_category = forms.TypedChoiceField(
        label=_("Category of the organisation"),
        help_text=_("You will upload the evidence of the category with the documents."),
        choices=Organization.Category.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": messages.CHOOSE_ORG_CATEGORY},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.use_request.org_is_corporation is not None and not self.is_bound:
            self.initial["org_is_corporation"] = (
                "yes" if self.use_request.org_is_corporation else "no"
            )

    def org_category_choices(self) -> list[tuple[Any, Any]]:
        return _with_hints(self["org_category"], ORG_CATEGORY_HINTS)

    def clean_org_postal_code(self) -> str:
        return validators.clean_postal_code(self.cleaned_data["org_postal_code"])

    def clean_org_phone(self) -> str:
        return validators.clean_phone(self.cleaned_data["org_phone"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("org_is_corporation") is True:
            raw = data.get("org_corporate_number", "")
            if not raw:
                self.add_error(
                    "org_corporate_number", messages.MISSING_CORPORATE_NUMBER
                )
            else:
                try:
                    data["org_corporate_number"] = validators.clean_corporate_number(
                        raw
                    )
                except ValidationError as exc:
                    self.add_error("org_corporate_number", exc)
        elif "org_is_corporation" in data:
            # Not a corporation: no corporate number is kept (the check on the
            # Organization table requires one only for corporations).
            data["org_corporate_number"] = ""
        return data


class PersonForm(StepForm):
    required_messages = {
        "full_name": messages.ENTER_FULL_NAME,
        "full_name_kana": messages.ENTER_KANA,
        "phone": messages.ENTER_PHONE,
        "position": messages.ENTER_POSITION,
        "affiliation": messages.MISSING_AFFILIATION,
        "toritsugi_number": messages.ENTER_TORITSUGI_NUMBER,
        "toritsugi_issuer": messages.ENTER_TORITSUGI_ISSUER,
    }

    full_name = _text(_("Your full name"), max_length=100, autocomplete="name")
    full_name_kana = TextField(
        label=_("Your full name in kana"),
        max_length=100,
        help_text=_("In katakana or hiragana, for example ヤマダ タロウ."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = TextField(
        label=_("Your phone number"),
        max_length=24,
        help_text=_(
            "A number where the immigration office can reach you during office hours."
        ),
        widget=forms.TextInput(
            attrs={
                "class": "input--width-20",
                "inputmode": "tel",
                "autocomplete": "tel",
                "type": "tel",
            }
        ),
    )
    position = _text(
        _("Your position or job title"),
        max_length=100,
        autocomplete="organization-title",
    )
    affiliation = _text(
        _("Your law office, corporation or support organisation"),
        max_length=200,
        autocomplete="organization",
        help_text=_(
            "The firm or corporation you work for, which the organisation appointed."
        ),
    )
    toritsugi_number = TextField(
        label=_("Number of your filing-agent notification certificate"),
        max_length=32,
        help_text=_(
            "The number on the certificate (届出済証明書) you received after "
            "notifying as a filing agent."
        ),
        widget=forms.TextInput(
            attrs={
                "class": "input--width-20",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    toritsugi_issuer = _text(
        _("Issued by"),
        max_length=100,
        autocomplete="off",
        help_text=_(
            "For example the Tokyo Bar Association or the Tokyo Association of "
            "Administrative Scriveners."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.use_request.user_category
        if not category or category == User.Category.ORG_STAFF:
            del self.fields["affiliation"]
        if category != User.Category.ATTORNEY:
            del self.fields["toritsugi_number"]
            del self.fields["toritsugi_issuer"]

    def clean_full_name_kana(self) -> str:
        return validators.clean_kana(self.cleaned_data["full_name_kana"])

    def clean_phone(self) -> str:
        return validators.clean_phone(self.cleaned_data["phone"])


class AppointerForm(StepForm):
    """Add an organisation that appointed a category 2–4 requester; it must
    already use the portal (matched by corporate number)."""

    required_messages = {
        "name_ja": messages.ENTER_APPOINTER_NAME,
        "corporate_number": messages.ENTER_APPOINTER_NUMBER,
    }

    name_ja = _text(_("Name of the organisation"), max_length=200, autocomplete="off")
    corporate_number = TextField(
        label=_("Corporate number"),
        max_length=40,
        help_text=_("13 digits, for example 4011001098993."),
        widget=forms.TextInput(
            attrs={
                "class": "input--width-20",
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )

    def initial_from(self, use_request: UseRequest) -> dict[str, Any]:
        return {}

    def clean_corporate_number(self) -> str:
        number = validators.clean_corporate_number(
            self.cleaned_data["corporate_number"]
        )
        organization = Organization.objects.filter(corporate_number=number).first()
        if organization is None:
            raise ValidationError(
                messages.APPOINTER_NOT_REGISTERED, code="not_registered"
            )
        listed = {a.corporate_number for a in self.use_request.appointers.all()}
        if number in listed or number == self.use_request.org_corporate_number:
            raise ValidationError(messages.APPOINTER_DUPLICATE, code="duplicate")
        self.organization = organization
        return number


class DeclarationsForm(StepForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in DECLARATIONS:
            self.fields[name] = forms.BooleanField(
                label=label,
                required=True,
                error_messages={"required": messages.DECLARATION_REQUIRED},
            )
            if not self.is_bound:
                self.initial[name] = getattr(self.use_request, name)


class DocumentUploadForm(StepForm):
    """Files for one document slot, several at once, each judged on its own:
    ``cleaned_data["upload"]`` is an ``UploadBatch`` (the files to store and
    the errors of those refused), ``warnings`` what looks wrong with a kept
    scan.  Invalid only when no file can be kept."""

    upload = PrivateFileField(
        label=_("Upload files"),
        multiple=True,
        partial=True,
        error_messages={"required": messages.DOCUMENT_REQUIRED},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.warnings: list[str] = []
        super().__init__(*args, **kwargs)

    def initial_from(self, use_request: UseRequest) -> dict[str, Any]:
        return {}

    def clean_upload(self) -> UploadBatch:
        batch: UploadBatch = self.cleaned_data["upload"]
        for upload in batch.accepted:
            self.warnings.extend(scan_warnings(upload))
        return batch


class RosterUploadForm(StepForm):
    MAX_BYTES = 5 * 1024 * 1024

    csv_file = forms.FileField(
        label=_("CSV file with the list"),
        help_text=_(
            "UTF-8 (with or without BOM) or Shift_JIS, in the columns of the template."
        ),
        error_messages={"required": messages.ROSTER_FILE_REQUIRED},
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def initial_from(self, use_request: UseRequest) -> dict[str, Any]:
        return {}

    def clean_csv_file(self) -> bytes:
        upload = self.cleaned_data["csv_file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(
                messages.ROSTER_FILE_TOO_LARGE.format(
                    limit=self.MAX_BYTES // (1024 * 1024)
                ),
                code="too_large",
            )
        return bytes(upload.read())


class OfficeForm(StepForm):
    """The office to send the request to.  The radio lists only offices that
    take requests for use; a posted code of any other office is refused with
    its own message (not "select a valid choice")."""

    office = forms.CharField(
        label=_("Which immigration office should receive the request?"),
        help_text=_(
            "The office for the organisation's area is suggested. Airport "
            "offices do not take requests for use."
        ),
        widget=forms.RadioSelect,
        error_messages={"required": messages.CHOOSE_OFFICE},
    )

    def __init__(
        self, *args: Any, offices: list[Office], suggested: Office | None, **kwargs: Any
    ) -> None:
        self.offices = offices
        self.suggested = suggested
        super().__init__(*args, **kwargs)
        english = get_language() == "en"
        self.fields["office"].widget.choices = [
            (o.code, o.name_en if english else o.name_ja) for o in offices
        ]
        if not self.is_bound:
            current = self.use_request.office
            chosen = (
                current if current is not None and current in offices else suggested
            )
            self.initial["office"] = chosen.code if chosen else None

    def initial_from(self, use_request: UseRequest) -> dict[str, Any]:
        return {}

    def office_choices(self) -> list[tuple[Any, Office, bool]]:
        """(radio, office, suggested) for the template."""
        by_code = {o.code: o for o in self.offices}
        suggested = self.suggested.code if self.suggested else None
        return [
            (radio, by_code[str(radio.data["value"])], radio.data["value"] == suggested)
            for radio in self["office"]
        ]

    def clean_office(self) -> Office:
        code = self.cleaned_data["office"]
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise ValidationError(messages.CHOOSE_OFFICE, code="invalid_choice")
        if not office.accepts_use_requests:
            raise ValidationError(messages.OFFICE_NOT_ACCEPTING, code="not_accepting")
        if office not in self.offices:
            raise ValidationError(messages.CHOOSE_OFFICE, code="invalid_choice")
        return office


class RemoveItemForm(StepForm):
    """Remove one item of a list (an appointing organisation, a file)."""

    item = forms.CharField(max_length=64)

    def initial_from(self, use_request: UseRequest) -> dict[str, Any]:
        return {}


class SubmitForm(StepForm):
    def initial_from(self, use_request: UseRequest) -> dict[str, Any]:
        return {}
