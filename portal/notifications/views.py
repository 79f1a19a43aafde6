from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib.mailbox import read_mailbox, read_message
from portal.notifications import presenters, selectors, services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for_user(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def inbox_detail(request: HttpRequest, code: str) -> HttpResponse:
    notification = selectors.notification_get_for_user(user=request.user, code=code)
    services.notification_mark_read(notification=notification)
    return render(
        request,
        "notifications/detail.html",
        {
            "notification": notification,
            "message": presenters.notification_page(
                notification=notification, user=request.user
            ),
        },
    )


@require_POST
@login_required
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


def dev_mailbox(request: HttpRequest) -> HttpResponse:
    _require_debug()
    return render(
        request,
        "notifications/dev_mailbox.html",
        {"messages_list": read_mailbox(settings.DEV_MAILBOX_DIR)},
    )


def dev_mailbox_message(request: HttpRequest, message_id: str) -> HttpResponse:
    _require_debug()
    message = read_message(settings.DEV_MAILBOX_DIR, message_id)
    if message is None:
        raise Http404
    return render(
        request, "notifications/dev_mailbox_message.html", {"message": message}
    )
