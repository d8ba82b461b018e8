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

# Static files are built into the image and served by WhiteNoise. The key below only lets the
# production settings load for this one command; the running containers get the real one.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only-not-used-at-run-time \
    SITE_URL=https://build.invalid \
    python manage.py collectstatic --noinput -v 0

# Run as an unprivileged user. Uploads and the beat schedule live in volumes owned by it.
RUN useradd --system --uid 10001 --home-dir /app --no-create-home bazaar \
    && mkdir -p /app/media /app/var \
    && chown bazaar:bazaar /app/media /app/var
USER bazaar

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
