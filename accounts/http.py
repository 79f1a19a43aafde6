"""A typed request for views behind sign-in (healthchecks' pattern).

Views annotate ``request: AuthenticatedHttpRequest`` so ``request.user`` is a
``User``, not ``AbstractBaseUser | AnonymousUser``: no ``cast``, no ``Any``.
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
