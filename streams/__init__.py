"""The Kafka-facing app: wires the ``matcher`` library to topics with FastStream."""
