"""The Kafka app: the batch subscriber on a router, its lifespan, the processor that owns the
commit-after-publish rule, and the topics it needs."""
