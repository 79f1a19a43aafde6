from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeskPreference(models.Model):
    """A user's choices for the desk.  No row means the defaults (the weekly
    digest on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    weekly_digest = models.BooleanField(_("weekly digest email"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("desk preference")
        verbose_name_plural = _("desk preferences")

    def __str__(self) -> str:
        return f"desk preferences of {self.user_id}"


class WeeklyDigest(models.Model):
    """The digest of one ISO week was queued for the user: the unique row is
    what makes it once per week, however often the task runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    items = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "iso_year", "iso_week"], name="weekly_digest_once"
            )
        ]

    def __str__(self) -> str:
        return f"digest {self.iso_year}-W{self.iso_week:02d} for {self.user_id}"


class CalendarFeed(models.Model):
    """A user's secret iCalendar feed URL.  Only a hash of the token in the
    URL is stored; revoking sets ``revoked_at`` and the URL answers 404."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            # One live feed per user: creating a new one revokes the old.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live",
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
