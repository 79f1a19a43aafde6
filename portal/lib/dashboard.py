"""The dashboard's panels (see portal.lib.panels): ``register_panel(order,
func)`` where ``func(request)`` returns ``(template_name, context)`` or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from portal.lib.panels import PanelRegistry, PanelResult

_dashboard = PanelRegistry()


def register_panel(order: int, panel: Callable[[HttpRequest], PanelResult]) -> None:
    _dashboard.register(order, panel)


def panels_for(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    return _dashboard.render(request)
