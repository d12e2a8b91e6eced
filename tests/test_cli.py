"""The ``matcher`` command: every subcommand and every flag says what it is for."""

from __future__ import annotations

import argparse

from streams.cli import build_parser


def commands(
    parser: argparse.ArgumentParser, path: str = "matcher"
) -> list[tuple[str, argparse.ArgumentParser]]:
    out = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += commands(sub, f"{path} {name}")
    return out


def test_every_flag_has_help() -> None:
    missing = []
    found = commands(build_parser())
    for path, parser in found:
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not (action.help or "").strip():
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
    assert len(found) >= 14  # run, up, down, demo, catalog load/delete/status, match, …


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: (c.help or "") for c in action._choices_actions}
            assert all(h.strip() for h in helps.values()), helps


def test_match_and_eval_take_a_profile_defaulting_to_auto() -> None:
    parser = build_parser()
    match = parser.parse_args(["match", "--catalog", "c", "--offers", "o"])
    assert match.profile is None  # MATCHER_PROFILE, whose default is auto
    ev = parser.parse_args(["eval", "--catalog", "c", "--offers", "o", "--profile", "tyres"])
    assert ev.profile == "tyres"
