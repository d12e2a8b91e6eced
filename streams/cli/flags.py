"""Command-line flags generated from a config dataclass, so each default is written once.

Every field becomes ``--field-name`` with the field's type, default and ``help`` metadata; a
field without a default is required; a ``bool`` defaulting to False is a switch, one defaulting to
True is switched off by ``--no-field-name`` (or the flag its ``off`` metadata names).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any, Literal, TypeVar, get_args, get_origin

T = TypeVar("T")


def add_flags(parser: argparse.ArgumentParser, cls: type[Any]) -> None:
    """One flag per field of the dataclass ``cls``."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        flag = "--" + f.name.replace("_", "-")
        help_text = f.metadata.get("help")
        kind = _unwrap_optional(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        default = None if required else f.default
        if kind is bool:
            if default:
                off = f.metadata.get("off", "--no-" + f.name.replace("_", "-"))
                parser.add_argument(off, dest=f.name, action="store_false", help=help_text)
            else:
                parser.add_argument(flag, dest=f.name, action="store_true", help=help_text)
        elif get_origin(kind) is Literal:
            parser.add_argument(
                flag, dest=f.name, choices=get_args(kind), default=default, help=help_text
            )
        else:
            parser.add_argument(
                flag, dest=f.name, type=kind, default=default, required=required, help=help_text
            )


def config_from(cls: type[T], args: argparse.Namespace) -> T:
    """The dataclass ``cls`` from the parsed flags of the same names."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in vars(args).items() if k in names})


def _unwrap_optional(kind: Any) -> Any:
    """``int | None`` → ``int``."""
    if get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in get_args(kind) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return kind
