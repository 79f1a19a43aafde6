"""Panels other apps add to an organisation's page (``applications`` adds the
way to the appointments with their scope): ``organization_panels.register(
order, func)``, ``func(request, organization)`` returning ``(template,
context)`` or None."""

from __future__ import annotations

from portal.lib.panels import PanelRegistry

organization_panels = PanelRegistry()
