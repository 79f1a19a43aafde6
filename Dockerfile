# Production image: gunicorn web, Celery worker and beat all run from it.
FROM python:3.12-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fontconfig fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN DJANGO_DEBUG=1 python manage.py compilemessages --ignore=.venv \
 && DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only-placeholder-build-only-placeholder-xx \
    MFA_ENCRYPTION_KEYS=YnVpbGQtb25seS1wbGFjZWhvbGRlci0zMi1ieXRlcyE= \
    DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 zairyu
USER zairyu
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
