"""Time a batch of N valid rows (default 1,000): reading and checking the
file (the preview) and creating the drafts, as the worker does them.  Runs
in a transaction that is rolled back: nothing is kept.  README
"Performance" records the numbers."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import organizations_for_user
from applications.application_forms.editions import edition_for
from batches import services
from batches.columns import template_by_key
from batches.models import Batch
from batches.samples import EHI, sample_csv, sample_row


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the check and the draft creation of a batch of N rows (rolled back)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=1000)
        parser.add_argument(
            "--user", required=True, help="username of a filer of an organisation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError("no such user")
        organization = organizations_for_user(user=user).first()
        if organization is None:
            raise CommandError("the user serves no organisation")
        today = timezone.localdate()
        template = template_by_key(edition_for("extension", EHI, on=today).key)
        if template is None:
            raise CommandError("no extension template in force")
        count = options["rows"]
        offset = 90_000_000  # numbers no demo person has
        data = sample_csv(
            template,
            [sample_row(template, offset + n, today=today) for n in range(count)],
        )
        try:
            with transaction.atomic():
                batch = Batch.objects.create(
                    organization=organization,
                    application_type_id=services.ApplicationType.objects.get(
                        code=template.application_type
                    ).pk,
                    edition_key=template.key,
                    created_by=user,
                    file_name="benchmark.csv",
                    file_sha256=f"benchmark-{time.time_ns()}",
                    content=data,
                )
                started = time.perf_counter()
                batch = services.batch_check(batch_id=batch.pk)
                checked = time.perf_counter() - started
                valid = batch.rows.filter(problems=[]).count()
                if valid != count:
                    first = batch.rows.exclude(problems=[]).first()
                    raise CommandError(
                        f"{count - valid} rows refused, e.g. "
                        f"{first.problems if first else batch.refusal_code}"
                    )
                Batch.objects.filter(pk=batch.pk).update(
                    status=Batch.Status.CREATING, confirmed_by=user
                )
                started = time.perf_counter()
                services.batch_create_drafts(batch_id=batch.pk)
                created = time.perf_counter() - started
                self.stdout.write(
                    f"{count} rows ({len(data):,} bytes): "
                    f"read and checked in {checked:.1f} s, "
                    f"drafts created in {created:.1f} s, "
                    f"total {checked + created:.1f} s"
                )
                raise _Rollback
        except _Rollback:
            pass
