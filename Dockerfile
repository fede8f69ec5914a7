# syntax=docker/dockerfile:1.7
# Production image of the marketplace: uWSGI serving the GraphQL API as an
# unprivileged user, migrations applied at start, /health/ as healthcheck.

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libpq-dev \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
# WeasyPrint (invoices) needs Pango; libmagic identifies uploaded images.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpq5 libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libxml2 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 marketplace
WORKDIR /app
COPY --from=build --chown=marketplace:marketplace /app /app
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings \
    MARKETPLACE_VAR_DIR=/var/lib/marketplace \
    MEDIA_ROOT=/var/lib/marketplace/media \
    STATIC_ROOT=/var/lib/marketplace/static \
    PORT=8000 \
    WEB_CONCURRENCY=4
RUN mkdir -p /var/lib/marketplace/media /var/lib/marketplace/static \
 && chown -R marketplace:marketplace /var/lib/marketplace
USER marketplace
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health/" || exit 1
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["web"]
