"""Pages assembled from panels that other apps register.

Dependencies point one way (review → applications → accounts → portal), so a
page cannot import the apps that want to add to it.  Instead the page owns a
``PanelRegistry`` and apps register a function in ``AppConfig.ready``; the
function returns ``(template_name, context)`` or ``None`` when its panel does
not apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PanelResult = tuple[str, dict[str, Any]] | None


class PanelRegistry:
    def __init__(self) -> None:
        self._panels: list[tuple[int, Callable[..., PanelResult]]] = []

    def register(self, order: int, panel: Callable[..., PanelResult]) -> None:
        """Add ``panel`` (once, however often ``ready`` runs) at ``order``."""
        if all(existing is not panel for _, existing in self._panels):
            self._panels.append((order, panel))
            self._panels.sort(key=lambda item: item[0])

    def render(self, *args: Any) -> list[tuple[str, dict[str, Any]]]:
        """Every applicable panel's (template, context), in order."""
        rendered = []
        for _order, panel in self._panels:
            result = panel(*args)
            if result is not None:
                rendered.append(result)
        return rendered
