# coprod: one image for the web app, the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Code, templates and static files are read from /app, not from the installed copy.
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=coprod.settings.production

# Pango is what WeasyPrint draws PDF text with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/coprod --uid 1000 coprod

WORKDIR /app
# Exactly the versions CI tested, each file checked against its hash (scripts/lock writes it).
COPY requirements.lock /app/
RUN pip install --require-hashes --only-binary :all: -r requirements.lock
COPY . /app
RUN pip install --no-deps .

# Collect static files at build time with a throwaway key: production settings refuse to load
# without a real one, and the key is not used for anything here.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown -R coprod:coprod /app/media

USER coprod
EXPOSE 8000
# The pages. The live co-design rooms' websockets are served by daphne from the same image, and
# nginx sends each path to its server (docker-compose.yml, deploy/nginx.conf).
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "coprod.wsgi:application"]
