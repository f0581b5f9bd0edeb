# The help desk as a container: slim Python, the hashed lock, a non-root user, state on a volume.
#   docker build -t routing .
#   docker run -p 8000:8000 -v routing-data:/data -e STAFF_PASSWORD=... routing
# compose.yaml runs it with PostgreSQL and Mailpit; docs/deploy.md says more.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies first, from the lock with its hashes, so a code change reuses this layer.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt

COPY pyproject.toml README.md app.py directory.yaml ./
COPY routing ./routing
# The compiled message catalogs are built here, never committed (make catalogs does the same).
RUN pybabel compile -d routing/locale
COPY templates ./templates
COPY static ./static
# Run from /app rather than installed: the app finds its templates and directory beside its code.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin routing \
    && mkdir -p /data \
    && chown routing:routing /data

# Everything the app writes (outbox, triage log, generated secrets, the search index) lives on the volume.
ENV HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    SEARCH_INDEX_DIR=/data/search_index
VOLUME ["/data"]
USER routing
EXPOSE 8000

# Alive, not ready: /readyz is for the load balancer, and a restart would not fix a database that is down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["python", "-m", "routing", "serve"]
