"""The bureau administrator's form: grant an officer role at one of the
offices of their bureau."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, OfficerRole, User
from accounts.permissions import GRANTABLE_ROLES


class OfficerRoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Officer's user ID"), max_length=150)
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in GRANTABLE_ROLES],
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the offices of the administrator's own bureau can be chosen.
        office_field = self.fields["office"]
        if not isinstance(office_field, forms.ModelChoiceField):
            raise TypeError("office is a ModelChoiceField")
        office_field.queryset = Office.objects.filter(
            pk__in=[office.pk for office in offices]
        ).order_by("sort_order", "code")

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(
            username=username, user_category__isnull=True, is_active=True
        ).first()
        if user is None:
            raise forms.ValidationError(
                _("No officer account has this user ID."), code="unknown_officer"
            )
        return user

    def grant(self) -> dict[str, Any]:
        """The cleaned values as the service's keyword arguments."""
        return {
            "user": self.cleaned_data["username"],
            "office": self.cleaned_data["office"],
            "role": OfficerRole.Role(self.cleaned_data["role"]),
        }
