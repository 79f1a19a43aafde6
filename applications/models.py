from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.periods import validate_periods


class ApplicationType(models.Model):
    """One of the seven online application types (PRODUCT §2.2); reference data.

    Companion types (re-entry, other activity) are filed only together with a
    type that ``takes_companions`` (change, extension, acquisition).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    is_companion = models.BooleanField(
        _("companion"),
        default=False,
        help_text=_("Filed only together with an application that takes companions."),
    )
    takes_companions = models.BooleanField(
        _("takes companions"),
        default=False,
        help_text=_("Re-entry and other-activity applications may be filed with it."),
    )
    in_japan = models.BooleanField(
        _("filed for a person in Japan"),
        default=True,
        help_text=_("Off only for the certificate of eligibility."),
    )
    residence_card_required = models.BooleanField(
        _("residence card required"),
        default=True,
        help_text=_(
            "Off for the certificate of eligibility and for acquisition "
            "(a child born in Japan has no card yet)."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("application type")
        verbose_name_plural = _("application types")
        ordering = ["sort_order", "number"]
        constraints = [
            models.CheckConstraint(
                name="apptype_companion_takes_none",
                condition=Q(is_companion=False) | Q(takes_companions=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja


class StatusOfResidence(models.Model):
    """A status of residence (在留資格) of Appended Table I or II; reference data,
    editable in the admin, so that changes to the online scope need no code.

    ``periods`` lists the allowed periods of stay as strings, longest first, in
    the grammar of ``applications.periods``: ``"5y"``, ``"1y3m"``, ``"30d"``
    (fixed); ``"designated-5y"`` (designated individually, at most 5 years);
    ``"indefinite"``; ``"activity"`` (as long as the activity lasts).  An empty
    list means the periods are not known yet.

    A status with sub-categories is online-eligible for a sub-category only
    when both the status and the sub-category are.
    """

    class Table(models.TextChoices):
        I = "I", _("Appended Table I")  # noqa: E741 — the Act's own name
        II = "II", _("Appended Table II")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    table = models.CharField(_("table"), max_length=2, choices=Table.choices)
    group = models.CharField(
        _("group"), max_length=8, help_text=_("I-1 … I-5 for Table I, II for Table II.")
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    online_eligible = models.BooleanField(_("can be filed online"), default=True)
    activity_restricted = models.BooleanField(
        _("activities restricted"),
        default=True,
        help_text=_("Table I statuses; permission for other activity only for these."),
    )
    periods = models.JSONField(
        _("periods of stay"), default=list, blank=True, validators=[validate_periods]
    )
    available_from = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("Empty when long in force."),
    )
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("status of residence")
        verbose_name_plural = _("statuses of residence")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                name="status_table_valid", condition=Q(table__in=["I", "II"])
            ),
            # Table II statuses are defined by position, not activity.
            models.CheckConstraint(
                name="status_table2_unrestricted",
                condition=Q(table="I") | Q(activity_restricted=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name_ja


class StatusSubCategory(models.Model):
    """A sub-category of a status (e.g. HSP (i)(a), Designated Activities
    "preparation for departure"); ``periods`` None means the status's periods
    apply."""

    status = models.ForeignKey(
        StatusOfResidence,
        verbose_name=_("status of residence"),
        on_delete=models.CASCADE,
        related_name="subcategories",
    )
    code = models.SlugField(_("code"), max_length=64)
    name_ja = models.CharField(_("name (Japanese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=200)
    online_eligible = models.BooleanField(_("can be filed online"), default=True)
    periods = models.JSONField(
        _("periods of stay"),
        null=True,
        blank=True,
        validators=[validate_periods],
        help_text=_("Empty to use the status's periods."),
    )
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("status sub-category")
        verbose_name_plural = _("status sub-categories")
        ordering = ["status", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["status", "code"], name="subcategory_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status.name_ja} {self.name_ja}"

    @property
    def effective_periods(self) -> list[str]:
        return list(self.status.periods if self.periods is None else self.periods)


class Fee(models.Model):
    """The fee (手数料) for one application type, variant and channel from
    ``valid_from`` on; the amount due is that of the row with the greatest
    ``valid_from`` on or before the day the application was received.  Free
    types have explicit rows of 0 — a missing row is a data error, not "free".
    """

    class Variant(models.TextChoices):
        NONE = "", _("Not applicable")
        SINGLE = "single", _("Single")
        MULTIPLE = "multiple", _("Multiple")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("Counter")

    application_type = models.ForeignKey(
        ApplicationType,
        verbose_name=_("application type"),
        on_delete=models.PROTECT,
        related_name="fees",
    )
    variant = models.CharField(
        _("variant"), max_length=16, choices=Variant.choices, blank=True, default=""
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    valid_from = models.DateField(_("for applications received from"))
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["application_type", "variant", "channel", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["application_type", "variant", "channel", "valid_from"],
                name="fee_unique",
            ),
            models.CheckConstraint(
                name="fee_variant_valid",
                condition=Q(variant__in=["", "single", "multiple"]),
            ),
            models.CheckConstraint(
                name="fee_channel_valid", condition=Q(channel__in=["online", "counter"])
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.application_type} {self.variant} {self.channel} {self.valid_from}"
        )
