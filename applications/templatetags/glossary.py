"""``{{ status|state_term }}``: a case's state in the glossary's words
(``applications.glossary``), for pages and emails."""

from __future__ import annotations

from django import template

from applications import glossary

register = template.Library()


@register.filter
def state_term(status: str | None) -> str:
    return glossary.term(status) if status else ""


@register.filter
def applicant_state_term(status: str | None) -> str:
    return glossary.term(status, applicant=True) if status else ""
