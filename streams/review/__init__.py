"""The review page: unsure offers wait here for a person (``matcher review``).

- :mod:`streams.review.app`: the Starlette app — the page, its JSON API, audit export, metrics;
- :mod:`streams.review.page`: the server-rendered HTML and its keyboard script;
- :mod:`streams.review.outcome`: an answer's corrected results, published on the output topic.
"""
