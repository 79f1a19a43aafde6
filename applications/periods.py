"""Periods of stay as short strings (the representation used in the status
catalogue's ``periods`` lists).

Grammar, one string per allowed period:

* a fixed period — years, months and days in that order, each optional but at
  least one: ``"5y"``, ``"6m"``, ``"1y3m"``, ``"30d"``;
* ``"designated-<fixed>"`` — a period the Minister designates for the person,
  at most ``<fixed>``: ``"designated-5y"``, ``"designated-15d"``;
* ``"indefinite"`` — no limit (無期限: Permanent Resident, HSP (ii));
* ``"activity"`` — for as long as the activity lasts (Diplomat: 外交活動の期間).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FIXED = r"(?:(?P<y>\d+)y)?(?:(?P<m>\d+)m)?(?:(?P<d>\d+)d)?"
_PERIOD = re.compile(rf"^(?:(?P<designated>designated-)?{_FIXED}|indefinite|activity)$")

INDEFINITE = "indefinite"
ACTIVITY = "activity"


@dataclass(frozen=True)
class Period:
    """A parsed period string; ``years/months/days`` are 0 for the two
    open-ended kinds."""

    text: str
    years: int = 0
    months: int = 0
    days: int = 0
    designated: bool = False
    indefinite: bool = False
    activity: bool = False

    @property
    def is_fixed_length(self) -> bool:
        return not (self.indefinite or self.activity)


def parse_period(text: str) -> Period:
    """Parse one period string; raises ValueError when it is not in the grammar."""
    match = _PERIOD.match(text)
    if match is None:
        raise ValueError(f"not a period of stay: {text!r}")
    if text == INDEFINITE:
        return Period(text, indefinite=True)
    if text == ACTIVITY:
        return Period(text, activity=True)
    y, m, d = (match.group(part) for part in ("y", "m", "d"))
    if y is None and m is None and d is None:
        raise ValueError(f"not a period of stay: {text!r}")
    return Period(
        text,
        years=int(y or 0),
        months=int(m or 0),
        days=int(d or 0),
        designated=bool(match.group("designated")),
    )


def validate_periods(value: Any) -> None:
    """Model-field validator: a list of distinct period strings."""
    if not isinstance(value, list):
        raise ValidationError(_('Enter a list of periods, e.g. ["5y", "1y", "6m"].'))
    for item in value:
        try:
            parse_period(item if isinstance(item, str) else "")
        except ValueError:
            raise ValidationError(
                _(
                    "“%(value)s” is not a period of stay (e.g. 5y, 1y3m, 30d, "
                    "designated-5y, indefinite, activity)."
                ),
                params={"value": item},
            ) from None
    if len(set(value)) != len(value):
        raise ValidationError(_("A period appears twice."))
