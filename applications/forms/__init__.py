"""Forms of the applications app: ``people`` (a foreign national's record),
``filing`` (starting an application and the pages of a draft), ``cases`` (the
case list's filters and withdrawal) and the shared ``fields``."""

from __future__ import annotations

from applications.forms.cases import CaseFilterForm, ClientFilterForm, WithdrawForm
from applications.forms.fields import Catalogue, DateInputField, localized_name
from applications.forms.filing import (
    ApplicationStepForm,
    CompanionsForm,
    DeleteDraftForm,
    DocumentUploadForm,
    OrganizationChoiceForm,
    PersonChoiceForm,
    PersonStepForm,
    RemoveFileForm,
    SubmitForm,
    TypeChoiceForm,
)
from applications.forms.people import ForeignNationalForm

__all__ = [
    "ApplicationStepForm",
    "CaseFilterForm",
    "Catalogue",
    "ClientFilterForm",
    "CompanionsForm",
    "DateInputField",
    "DeleteDraftForm",
    "DocumentUploadForm",
    "ForeignNationalForm",
    "OrganizationChoiceForm",
    "PersonChoiceForm",
    "PersonStepForm",
    "RemoveFileForm",
    "SubmitForm",
    "TypeChoiceForm",
    "WithdrawForm",
    "localized_name",
]
