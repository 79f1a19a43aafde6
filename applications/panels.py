"""Panels other apps add to the user's case page (``review`` adds the request
for documents, the fee and card steps and the processing-time figure) —
``case_panels.register(order, func)``, ``func(request, application)``."""

from __future__ import annotations

from portal.lib.panels import PanelRegistry

case_panels = PanelRegistry()
