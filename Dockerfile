# offer-matcher consumer image (CPU). Two stages: a build stage makes /opt/venv, the runtime
# stage carries only that venv and the code: no training extra, no embedded test servers, no
# compilers, not root.
#
#   docker build -t offer-matcher:0.2.0 .
#   docker run --rm -p 8080:8080 -e MATCHER_KAFKA_BOOTSTRAP=kafka:9092 \
#     -e MATCHER_REDIS_URL=redis://redis:6379/0 -e MATCHER_REDIS_PASSWORD=... offer-matcher:0.2.0
#
# BASE_IMAGE must have python3 (3.10+) with venv; TORCH_INDEX is where the CPU build of torch
# comes from. Wheels put in wheelhouse/ are installed instead of the indexes (offline builds:
# `make image-check` does this).
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0
WORKDIR /src
COPY wheelhouse/ /wheels/
COPY pyproject.toml README.md ./
COPY matcher ./matcher
COPY streams ./streams
RUN python3 -m venv /opt/venv \
 && if ls /wheels/*.whl > /dev/null 2>&1; then \
      set -- --no-index --find-links /wheels; \
    else \
      set -- --extra-index-url "${TORCH_INDEX}"; \
    fi \
 && /opt/venv/bin/pip install --no-cache-dir "$@" "torch==${TORCH_VERSION}" \
 && /opt/venv/bin/pip install --no-cache-dir "$@" /src \
 && /opt/venv/bin/matcher --help > /dev/null

FROM ${BASE_IMAGE} AS runtime
RUN useradd --uid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin matcher
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    MATCHER_HTTP_PORT=8080 \
    MATCHER_CACHE_DIR=/tmp/offer-matcher
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["matcher"]
CMD ["run"]
