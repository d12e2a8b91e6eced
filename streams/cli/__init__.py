"""The ``matcher`` command: one thin module per command group, each calling the library.

- :mod:`streams.cli.service`: ``run``, ``up``, ``demo``
- :mod:`streams.cli.catalog`: ``catalog load``, ``catalog delete``
- :mod:`streams.cli.offline`: ``match``
- :mod:`streams.cli.lab`: ``generate``, ``train``, ``train-reranker``, ``eval``
- :mod:`streams.cli.review`: ``review``, ``reviews export``
- :mod:`streams.cli.bench`: ``bench``
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from streams.cli import bench, catalog, lab, offline, review, service


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matcher", description="Match supplier offers to a catalog."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (service, catalog, offline, lab, review, bench):
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from streams.cli.common import settings
    from streams.ops import logs

    cfg = settings()
    logs.configure(cfg.log_level, cfg.log_format)
    args = build_parser().parse_args(argv)
    return int(args.func(args))
