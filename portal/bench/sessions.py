"""Sessions for the benchmark's users, created server-side.

The generated users have no usable password and no TOTP device; the
benchmark must not weaken sign-in for them.  Instead it writes the session a
completed sign-in (password and second step) would leave behind, through the
configured session engine, and replays its cookie.  Only this management
code can do that: it needs the database and the secret key.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from accounts.models import User
from portal.lib.middleware import MFA_OK, SESSION_LAST_SEEN, SESSION_STARTED


def session_for(username: str) -> str:
    """A fresh session key signed in as ``username`` (two-step done)."""
    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = time.time()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[MFA_OK] = True
    store[SESSION_STARTED] = now
    store[SESSION_LAST_SEEN] = now
    store.create()
    return str(store.session_key)
