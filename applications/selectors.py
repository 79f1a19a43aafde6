"""Reads for the applications app."""

from __future__ import annotations

from datetime import date

from applications.models import ApplicationType, Fee


def fee_for(
    *,
    application_type: ApplicationType | str,
    variant: str = "",
    channel: str,
    received_on: date,
) -> int:
    """The fee in yen for an application of ``application_type`` (an instance
    or its code) and ``variant`` ("" or, for re-entry, "single"/"multiple")
    filed through ``channel`` ("online"/"counter") and received on
    ``received_on``: the amount of the fee row with the greatest ``valid_from``
    on or before that day.  Free types return 0 (they have rows of 0).

    Raises Fee.DoesNotExist when the table has no such row — a data error,
    never read as "free".
    """
    fees = Fee.objects.filter(
        variant=variant, channel=channel, valid_from__lte=received_on
    )
    if isinstance(application_type, ApplicationType):
        fees = fees.filter(application_type=application_type)
    else:
        fees = fees.filter(application_type__code=application_type)
    amount = fees.order_by("-valid_from").values_list("amount_yen", flat=True).first()
    if amount is None:
        raise Fee.DoesNotExist(
            f"no fee for {application_type} {variant!r} {channel} on {received_on}"
        )
    return amount
