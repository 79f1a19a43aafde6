"""How pages write a date (portal/formats), for journeys that read lists."""

from __future__ import annotations

from datetime import date


def shown(day: date) -> set[str]:
    """``day`` as a page writes it, in Japanese and in English."""
    return {f"{day.year}年{day.month}月{day.day}日", f"{day.day} {day:%B} {day.year}"}
