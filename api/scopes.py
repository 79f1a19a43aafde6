"""What a key may be used for.  Each API operation names the one scope it
needs (``x-required-scope`` in the schema); a key without it gets 403."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ_CASES = "cases:read", _("Read people, drafts and cases")
    WRITE_DRAFTS = "drafts:write", _("Add and change people and drafts")
    SUBMIT = "drafts:submit", _("Submit drafts")
    ANSWER_REQUESTS = "requests:answer", _("Answer requests for documents")
    # Used by the webhooks app (endpoints and deliveries of the organisation).
    MANAGE_WEBHOOKS = "webhooks:manage", _("Manage webhooks")
