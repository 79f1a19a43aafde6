"""Allocate a unique random code (receipt, reference, card and user numbers).

The database's unique constraint is the judge: each candidate is written in a
savepoint and a collision (IntegrityError) draws another.  There is no
check-then-insert, so two requests racing for the same code cannot both win
and neither sees a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction

logger = logging.getLogger(__name__)

ATTEMPTS = 20


class CodeSpaceExhausted(RuntimeError):
    """Every attempt collided: the code space is (nearly) full."""


def allocate_unique[T](
    generate: Callable[[], str],
    write: Callable[[str], T],
    *,
    attempts: int = ATTEMPTS,
    label: str = "code",
) -> T:
    """Call ``write(code)`` with fresh ``generate()`` codes until one is
    accepted by the database; returns what ``write`` returned.  ``write``
    must insert or update the row that carries the unique code."""
    for _attempt in range(attempts):
        code = generate()
        try:
            with transaction.atomic():
                return write(code)
        except IntegrityError:
            logger.warning("%s collision; drawing another", label)
    raise CodeSpaceExhausted(f"could not allocate a unique {label}")
