# The web, worker and beat image. Debian's libraries for WeasyPrint (Pango), CairoSVG (Cairo) and
# python-magic.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core libmagic1 libcairo2 \
        nodejs npm postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install -e .
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# Collected with the settings the containers run with (DEBUG=0: the compressed manifest storage
# of settings.STORAGES), so every {% static %} finds its manifest entry. Settings want a key
# when DEBUG is off; nothing is signed at build time, so a throwaway one will do.
RUN mkdir -p static/vendor && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/ \
    && DEBUG=0 SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 app && mkdir -p /app/keys && chown -R app /app/keys
USER app
EXPOSE 8000
# Workers, threads and timeouts: gunicorn.conf.py.
CMD ["gunicorn", "microcreds.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
