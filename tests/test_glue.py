"""Glued titles taken apart (``matcher.normalize.glue``): examples, and fuzzing of what must hold
for any input — only spaces are added (or a separator comma becomes one), a split title splits
no further, and the time is linear."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.normalize.glue import split
from matcher.profiles import get


@pytest.mark.parametrize(
    ("glued", "apart"),
    [
        ("АнтисептикNordXM-11,5л", "Антисептик Nord XM-11 5л"),
        ("АнтисептикNordECOULTRAкор10л", "Антисептик Nord ECOULTRA кор 10л"),
        ("ЭмальПФ-115ТЕРРАКОЛОРбел.гл.0,9кг", "Эмаль ПФ-115 ТЕРРАКОЛОР бел. гл. 0,9кг"),
        ("КраскаKRONVALFloor300серая2,5кг", "Краска KRONVAL Floor 300 серая 2,5кг"),
        ("ЛадомирCrystal+500млтриггер", "Ладомир Crystal+500мл триггер"),
        ("АнтисептикNORDEXInterior5л", "Антисептик NORDEX Interior 5л"),
        ("КраскаFacadeSiliconбазаA2,7л", "Краска Facade Silicon база A 2,7л"),
        ("Растворитель646KRONVAL0,5л", "Растворитель 646 KRONVAL 0,5л"),
    ],
)
def test_glued_titles_come_apart(glued: str, apart: str) -> None:
    assert split(glued) == apart


@pytest.mark.parametrize(
    "kept",
    ["KL0063", "SM-A556E/DSN", "24117RN76G", "Цемент М500 50 кг", "Краска 1,5 л", "3х1,5 мм",
     "Galaxy A55", "12gb", "ПФ-115"],
)  # fmt: skip
def test_codes_amounts_and_spaced_titles_stay(kept: str) -> None:
    assert split(kept) == kept


def test_the_generic_profile_reads_a_glued_title_as_the_spaced_one() -> None:
    generic = get("generic")
    glued = generic.normalize("АнтисептикKRONVALInterior5л")
    spaced = generic.normalize("Антисептик KRONVAL Interior 5 л")
    assert glued.text == spaced.text and glued.attributes == spaced.attributes


PIECES = st.sampled_from(
    ["Антисептик", "KRONVAL", "Nord", "XM-11", ",", "5", "л", "мл", "кг", "ECO", "ULTRA", "кор",
     "10", "0,9", ".", "бел", "Floor", "300", "А", "C", "-", "+", "Crystal", "ПФ", "115", " "]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=200))
def test_splitting_only_adds_spaces_and_is_final(title: str) -> None:
    out = split(title)
    assert re.sub(r"[\s,]", "", out) == re.sub(r"[\s,]", "", title)  # nothing lost or moved
    assert split(out) == out  # a split title splits no further


def test_splitting_is_linear() -> None:
    start = time.perf_counter()
    split("АнтисептикNordXM-11,5л" * 2000)
    split("A" * 40_000 + "б" * 40_000 + "1" * 40_000)
    assert time.perf_counter() - start < 2.0
