"""portal.lib.urls: one reverse for a list's links, the same URLs."""

from __future__ import annotations

import uuid

from django.urls import reverse

from portal.lib.urls import code_url


def test_code_url_gives_what_reverse_gives():
    for viewname in ("review:case", "review:case_claim", "applications:case"):
        url = code_url(viewname)
        for code in (uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)):
            assert url(code) == reverse(viewname, args=[code])
