"""One POST to an endpoint, bounded in time, to the address ``targets``
checked (the connection is pinned to it; TLS still checks the certificate
against the host name).  Never raises: the outcome says what happened."""

from __future__ import annotations

from dataclasses import dataclass

import urllib3
from urllib3.exceptions import (
    NewConnectionError,
    ProtocolError,
    SSLError,
    TimeoutError,
)

from webhooks import targets
from webhooks.errors import UnsafeTarget

USER_AGENT = "Zairyu-Webhooks/1"
REFUSED = "connection refused or unreachable"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST ``body`` with ``headers``; 2xx is success, anything else
    (redirects included) is a failure to retry."""
    try:
        target = targets.resolve(url)
    except UnsafeTarget as exc:
        return Outcome(None, f"refused: {exc.code}")
    outcome = Outcome(None, "no address")
    for address in target.addresses:
        outcome = _post_to(target, address, body=body, headers=headers, timeout=timeout)
        if outcome.error != REFUSED:
            break  # only a refused connection tries the next address
    return outcome


def _post_to(
    target: targets.Target,
    address: str,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
) -> Outcome:
    pool_class: type[urllib3.HTTPConnectionPool] = (
        urllib3.HTTPSConnectionPool
        if target.scheme == "https"
        else urllib3.HTTPConnectionPool
    )
    options: dict[str, object] = {}
    if target.scheme == "https":
        options = {"server_hostname": target.host, "assert_hostname": target.host}
    pool = pool_class(
        address,
        target.port,
        timeout=urllib3.Timeout(total=timeout),
        retries=False,
        maxsize=1,
        **options,  # type: ignore[arg-type]
    )
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Host": target.host_header,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
        # The body is not read: a hostile endpoint could stream forever.
        status = int(response.status)
        response.close()
        return Outcome(status)
    # NewConnectionError subclasses ConnectTimeoutError: it comes first.
    except NewConnectionError:
        return Outcome(None, REFUSED)
    except TimeoutError:
        return Outcome(None, "timeout")
    except SSLError:
        return Outcome(None, "TLS error")
    except ProtocolError as exc:
        return Outcome(None, f"connection broken: {type(exc).__name__}")
    except Exception as exc:  # a broken endpoint must never break the worker
        return Outcome(None, type(exc).__name__)
    finally:
        pool.close()
