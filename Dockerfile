# offer-matcher consumer image (CPU). Build: docker build -t offer-matcher .
# Run:   docker run --rm -e MATCHER_KAFKA_BOOTSTRAP=kafka:9092 -e MATCHER_REDIS_URL=redis://redis:6379/0 offer-matcher
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false

WORKDIR /app
# CPU build of torch first, so the dependency resolver does not pull a CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY matcher ./matcher
COPY streams ./streams
RUN pip install . && useradd --create-home --uid 1000 matcher
USER matcher

# A trained model can be mounted and selected with MATCHER_MODEL=/models/<name>.
ENTRYPOINT ["matcher"]
CMD ["run"]
