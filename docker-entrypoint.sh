#!/bin/sh
# Container entry point: `web` (default) migrates then serves with uWSGI,
# `worker` runs a Celery worker, anything else runs as a command.
set -eu

case "${1:-web}" in
  web)
    # With several replicas, run migrations once as a release step and set
    # MIGRATE_ON_START=false on the web containers.
    if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
      python manage.py migrate --no-input
    fi
    exec uwsgi \
      --http-socket "0.0.0.0:${PORT}" \
      --module marketplace.wsgi:application \
      --master --processes "${WEB_CONCURRENCY}" --enable-threads \
      --need-app --lazy-apps --die-on-term --harakiri 60 \
      --max-requests 5000 --buffer-size 32768 \
      --static-map "/media=${MEDIA_ROOT}"
    ;;
  worker)
    exec celery -A marketplace.celery worker --loglevel=INFO
    ;;
  *)
    exec "$@"
    ;;
esac
