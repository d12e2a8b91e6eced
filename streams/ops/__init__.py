"""Operating a consumer: the HTTP endpoint (probes, metrics), metrics, health, logs, and the
runner that starts and stops the app with or without its HTTP server."""
