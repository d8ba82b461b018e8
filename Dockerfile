# Bazaar's production image: one image for the web process, the Celery worker and Celery beat.
# docker-compose.yml says which command each one runs.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

# uv comes from PyPI like every other dependency; nothing is fetched from anywhere else.
RUN pip install --no-cache-dir --disable-pip-version-check uv

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# Static files are built into the image and served by WhiteNoise. The key and addresses below
# only let the production settings load for this one command (nothing connects to them; a test
# runs this line as written: tests/test_image_build.py); the running containers get the real ones.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only-not-used-at-run-time \
    SITE_URL=https://build.invalid REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput -v 0

# Run as an unprivileged user. Uploads and the beat schedule live in volumes owned by it.
RUN useradd --system --uid 10001 --home-dir /app --no-create-home bazaar \
    && mkdir -p /app/media /app/var \
    && chown bazaar:bazaar /app/media /app/var
USER bazaar

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
