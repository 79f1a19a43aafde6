"""The dashboard is assembled from panels that each app registers.

``portal`` must not import the domain apps (dependencies point one way), so
apps add their panel in ``AppConfig.ready``: ``register_panel(order, func)``
where ``func(request)`` returns ``(template_name, context)`` or ``None`` when
the panel does not apply to this user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Panel = Callable[[HttpRequest], tuple[str, dict[str, Any]] | None]
_panels: list[tuple[int, Panel]] = []


def register_panel(order: int, panel: Panel) -> None:
    if all(existing is not panel for _, existing in _panels):
        _panels.append((order, panel))
        _panels.sort(key=lambda item: item[0])


def panels_for(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    rendered = []
    for _order, panel in _panels:
        result = panel(request)
        if result is not None:
            rendered.append(result)
    return rendered
