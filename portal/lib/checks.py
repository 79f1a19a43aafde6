"""System checks of the portal's own settings (``manage.py check``; run by
``migrate``, so the compose file's web nodes, which wait for ``migrate``,
never start with a configuration these refuse).

The reverse proxy (issue 11 item 2; README, "Configuration"):
``TRUSTED_PROXY_COUNT`` says how many proxies stand in front of the portal.
Their headers are trusted exactly then: ``X-Forwarded-For`` for the client's
address (throttles, rate limits, the audit) and ``X-Forwarded-Proto``
(``SECURE_PROXY_SSL_HEADER``) for HTTPS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

README = "See README.md, “Configuration”, TRUSTED_PROXY_COUNT."


@register()
def proxy_settings_agree(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    count = settings.TRUSTED_PROXY_COUNT
    proto_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    redirect = getattr(settings, "SECURE_SSL_REDIRECT", False)
    errors: list[CheckMessage] = []
    if proto_header and count == 0:
        errors.append(
            Error(
                "SECURE_PROXY_SSL_HEADER trusts X-Forwarded-Proto, but "
                "TRUSTED_PROXY_COUNT is 0 (no proxy in front): any client that "
                "reaches the portal directly could claim to use HTTPS.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of "
                "the portal, or do not set SECURE_PROXY_SSL_HEADER. " + README,
                id="zairyu.E001",
            )
        )
    if count > 0 and not proto_header and redirect:
        errors.append(
            Error(
                f"TRUSTED_PROXY_COUNT is {count} (behind a TLS proxy), but "
                "SECURE_PROXY_SSL_HEADER is not set: the portal cannot tell that "
                "a request came over HTTPS and would redirect every request to "
                "itself.",
                hint="Trust X-Forwarded-Proto from the proxy: "
                "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https'). "
                + README,
                id="zairyu.E002",
            )
        )
    if not settings.DEBUG and redirect and count == 0:
        errors.append(
            Error(
                "DEBUG is off and TRUSTED_PROXY_COUNT is 0. In production the "
                "portal serves plain HTTP behind a TLS-terminating proxy; without "
                "trusting it, every client counts as the proxy's address (one "
                "client could trip the sign-in throttle and the rate limits for "
                "everyone, and the audit records the proxy) and HTTPS requests "
                "are not recognised.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of "
                "the portal (1 with docker-compose.yml) and make sure the web port "
                "is reachable only through them. " + README,
                id="zairyu.E003",
            )
        )
    return errors
