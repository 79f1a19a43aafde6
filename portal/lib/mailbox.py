"""Development mail backend: each message becomes one .eml file in a folder,
which the DEBUG-only mailbox page lists.  Never used when DEBUG is off."""

from __future__ import annotations

import email
import email.policy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as StdMessage
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class MailboxBackend(BaseEmailBackend):
    def __init__(self, *, directory: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = Path(directory)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


@dataclass(frozen=True)
class MailboxMessage:
    id: str
    subject: str
    to: str
    date: str
    text: str
    html: str | None


def read_mailbox(directory: Path, limit: int = 50) -> list[MailboxMessage]:
    if not directory.exists():
        return []
    files = sorted(directory.glob("*.eml"), reverse=True)[:limit]
    return [_parse(path) for path in files]


def read_message(directory: Path, message_id: str) -> MailboxMessage | None:
    path = directory / f"{message_id}.eml"
    # message_id comes from the URL: accept only names this backend wrote.
    if not message_id.replace("-", "").isalnum() or not path.is_file():
        return None
    return _parse(path)


def _parse(path: Path) -> MailboxMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if not isinstance(msg, StdMessage):  # policy.default always gives one
        raise TypeError(f"unexpected message type {type(msg)!r}")
    text_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    return MailboxMessage(
        id=path.stem,
        subject=str(msg["subject"] or ""),
        to=str(msg["to"] or ""),
        date=str(msg["date"] or ""),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else None,
    )
