from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Prefecture(models.Model):
    """The 47 prefectures (JIS X 0401 codes); reference data."""

    code = models.PositiveSmallIntegerField(_("code"), primary_key=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=8)
    name_en = models.CharField(_("name (English)"), max_length=32)

    class Meta:
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_ja


class Office(models.Model):
    """A regional immigration services bureau or one of its offices; reference
    data, editable in the admin.  What an office handles is a flag, not a list
    hard-coded somewhere (airport district offices take no requests for use)."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Regional bureau")
        DISTRICT = "district", _("District office")
        BRANCH = "branch", _("Branch office")

    code = models.CharField(_("office code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("bureau"), null=True, blank=True, on_delete=models.PROTECT
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address_ja = models.CharField(_("address (Japanese)"), max_length=200, blank=True)
    jurisdiction = models.ManyToManyField(
        Prefecture, verbose_name=_("jurisdiction"), blank=True, related_name="offices"
    )
    accepts_use_requests = models.BooleanField(_("takes requests for use"), default=True)
    accepts_applications = models.BooleanField(_("takes applications"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("immigration office")
        verbose_name_plural = _("immigration offices")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_ja


class Organization(models.Model):
    """An organisation that employs foreign nationals (所属機関)."""

    class Category(models.IntegerChoices):
        ONE = 1, _("Category 1")
        TWO = 2, _("Category 2")
        THREE = 3, _("Category 3")
        FOUR = 4, _("Category 4")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_corporation = models.BooleanField(_("corporation"), default=True)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, null=True, blank=True, unique=True
    )
    category = models.PositiveSmallIntegerField(_("organisation category"), choices=Category.choices)
    postal_code = models.CharField(_("postal code"), max_length=8)
    prefecture = models.ForeignKey(
        Prefecture, verbose_name=_("prefecture"), on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=200)
    representative = models.CharField(_("representative"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    office = models.ForeignKey(
        Office, verbose_name=_("approving office"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_ja"]
        constraints = [
            models.CheckConstraint(
                name="org_corporation_has_number",
                condition=Q(is_corporation=False) | Q(corporate_number__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja


class User(AbstractUser):
    """A person's account.  ``username`` is the user ID (認証ID) — generated for
    portal users, never chosen, never shared."""

    class Category(models.IntegerChoices):
        ORG_STAFF = 1, _("Staff of the organisation")
        ATTORNEY = 2, _("Attorney or administrative scrivener")
        PUBLIC_INTEREST = 3, _("Staff of a public-interest corporation")
        SUPPORT_ORG = 4, _("Staff of a registered support organisation")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    class Language(models.TextChoices):
        JA = "ja", "日本語"
        EN = "en", "English"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("name"), max_length=100, blank=True)
    full_name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    language = models.CharField(
        _("language for emails"), max_length=2, choices=Language.choices, default=Language.JA
    )
    user_category = models.PositiveSmallIntegerField(
        _("user category"), choices=Category.choices, null=True, blank=True
    )
    status = models.CharField(
        _("account status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    valid_until = models.DateField(_("approval valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A category-1 user works for the organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]


class Appointment(models.Model):
    """An organisation appointed a category 2–4 user to file for it.  Ending the
    appointment ends the appointee's access to the organisation at once."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="appointments")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="appointments"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["appointee", "organization"],
                condition=Q(ended_at__isnull=True),
                name="appointment_one_active",
            ),
            models.CheckConstraint(
                name="appointment_dates_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]


class OfficerRole(models.Model):
    """An immigration officer's role at one office.  Officers see only their
    office's work."""

    class Role(models.TextChoices):
        RECEPTION = "reception", _("Reception officer")
        EXAMINER = "examiner", _("Examiner")
        SUPERVISOR = "supervisor", _("Supervisor")
        CLERK = "clerk", _("Issuance clerk")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="officer_roles")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="officer_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("officer role")
        verbose_name_plural = _("officer roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "office", "role"], name="officer_role_unique")
        ]
