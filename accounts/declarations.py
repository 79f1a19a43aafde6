"""The five requirements of the leaflet that a requester declares, each a
boolean field of UseRequest: one list, with the full wording the requester
confirms and the short label reception reads in the summary."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Declaration(NamedTuple):
    field: str
    text: str | Promise  # what the requester confirms
    short: str | Promise  # the summary row reception reads


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "decl_no_punishment",
        _(
            "The organisation has not been sentenced to a punishment for a violation of "
            "immigration or labour laws within the past 5 years."
        ),
        _("No punishment under immigration or labour law in the last 5 years"),
    ),
    Declaration(
        "decl_notifications_filed",
        _(
            "The organisation has submitted the notifications required under the "
            "Immigration Control and Refugee Recognition Act and the Act on the "
            "Comprehensive Promotion of Labour Policies."
        ),
        _("Required notifications have been filed"),
    ),
    Declaration(
        "decl_lawful_acceptance",
        _(
            "The organisation has accepted foreign nationals in compliance with the laws "
            "and regulations over the last 3 years."
        ),
        _("Foreign nationals accepted lawfully for the last 3 years"),
    ),
    Declaration(
        "decl_no_id_lending",
        _(
            "The organisation will not allow a person whose request for use has not been "
            "approved to use a user ID or password."
        ),
        _("User IDs will not be lent to anyone"),
    ),
    Declaration(
        "decl_periodic_report",
        _("The organisation will submit the required periodic report."),
        _("A periodic report will be filed every year"),
    ),
)

DECLARATION_FIELDS = tuple(declaration.field for declaration in DECLARATIONS)
