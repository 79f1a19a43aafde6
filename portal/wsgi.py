from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# What is loaded by now (Django, the apps, their modules) lives as long as the
# worker: keep the cyclic garbage collector from walking it again on every
# full collection (README, "Performance").
gc.freeze()
