"""The upload form (which organisation, which form, the file) and the
submit-all declaration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from applications.forms.fields import choice_field
from batches.columns import Template, template_by_key
from batches.messages import MAX_FILE_BYTES
from batches.spreadsheet import CSV_SJIS, CSV_UTF8, XLSX

FORMAT_CHOICES = [
    (XLSX, _("Excel workbook (.xlsx)")),
    (CSV_UTF8, _("CSV, UTF-8 with BOM")),
    (CSV_SJIS, _("CSV, Shift_JIS")),
]


def template_label(template: Template, language: str) -> str:
    """The form's title and the statuses of residence its group covers."""
    from applications.application_forms.codes import STATUS_GROUPS
    from applications.selectors import statuses_cached

    english = language == "en"
    names = {s.code: (s.name_en if english else s.name_ja) for s in statuses_cached()}
    group = STATUS_GROUPS.get(template.edition.status_group) or {}
    codes = group.get("statuses", ())
    statuses = [
        names.get(str(code), str(code))
        for code in (codes if isinstance(codes, tuple) else ())
    ]
    title = template.title(language)
    if statuses:
        separator = ", " if english else "、"
        title = f"{title}（{separator.join(statuses)}）"
    return title


def template_choices(templates: list[Template], language: str) -> list[tuple[str, str]]:
    return [(t.key, template_label(t, language)) for t in templates]


class TemplateChoiceForm(forms.Form):
    form = forms.ChoiceField(label=_("Form"))
    format = forms.ChoiceField(
        label=_("File type"), choices=FORMAT_CHOICES, widget=forms.RadioSelect
    )

    def __init__(
        self, *args: Any, templates: list[Template], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "form").choices = template_choices(templates, language)
        self.fields["format"].initial = XLSX


class UploadForm(forms.Form):
    organization = forms.ChoiceField(label=_("Organisation"))
    form = forms.ChoiceField(
        label=_("Form"),
        help_text=_("The form whose template you filled in."),
        error_messages={"required": _("Choose the form of the template.")},
    )
    upload = forms.FileField(
        label=_("File"),
        help_text=_(
            "The filled-in template: Excel workbook (.xlsx) or CSV (UTF-8 or "
            "Shift_JIS), at most %(rows)s people and %(size)s."
        ),
        error_messages={"required": _("Choose the file to upload.")},
    )

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization],
        templates: list[Template],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.code): o for o in organizations}
        org_field = choice_field(self, "organization")
        org_field.choices = [(str(o.code), o.name_ja) for o in organizations]
        if len(organizations) == 1:
            org_field.initial = str(organizations[0].code)
            org_field.widget = forms.HiddenInput()
        choice_field(self, "form").choices = [
            ("", _("Choose a form")),
            *template_choices(templates, language),
        ]
        from batches.messages import MAX_ROWS

        self.fields["upload"].help_text = str(self.fields["upload"].help_text) % {
            "rows": f"{MAX_ROWS:,}",
            "size": filesizeformat(MAX_FILE_BYTES),
        }

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; a batch file can be at most %(cap)s."),
                params={
                    "size": filesizeformat(upload.size),
                    "cap": filesizeformat(MAX_FILE_BYTES),
                },
            )
        return upload

    def chosen_organization(self) -> Organization:
        return self.organizations[self.cleaned_data["organization"]]

    def chosen_template(self) -> Template:
        template = template_by_key(self.cleaned_data["form"])
        if template is None:  # pragma: no cover - the choices are the templates
            raise ValueError(self.cleaned_data["form"])
        return template


class SubmitAllForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information in this application is true and correct, "
            "and that the documents are genuine."
        ),
        error_messages={
            "required": _("Confirm the declaration to send the applications.")
        },
    )
