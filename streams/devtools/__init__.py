"""Developer tooling: embedded Kafka-protocol broker and Redis, the demo, the benchmark."""
