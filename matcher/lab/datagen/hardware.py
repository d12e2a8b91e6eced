"""Synthetic Russian building/household-goods market for judging a product matcher.

Why: a matcher tuned on English phone listings must also be judged on a catalog
that is neither phones nor English.  Here the catalog is a Russian manufacturer's
own list (paints, fasteners, dry mixes, sealants, tools, cables, lamps, plumbing),
and the offers are dealers' price-list lines that name those products in their own
habits: abbreviations, other word order, other units, CAPS, typos, dropped or
transliterated brands, article codes, price noise.

The rules here are the generator's own (standard library only, nothing imported
from the project).  Every offer is checked so that its answer follows from what
the line states: a line that leaves out a fact (brand, size, colour ...) is only
emitted if the remaining facts still single out one product among *all* products,
listed or held out; otherwise the dropped facts are put back.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

SPLITS = ("train", "valid", "test")
SPLIT_SHARE = {"valid": 0.2, "test": 0.2}  # train takes the rest
FAMILY_HOLDOUT = 0.08  # whole product lines the catalog does not list
PRODUCT_HOLDOUT = 0.20  # overall share of products missing from the catalog
MAX_VARIANTS = 12  # a family's variant grid is trimmed to this size
OFFERS_PER_PRODUCT = (1, 2, 2, 3, 3, 3, 4, 4)  # mean 2.75

PAINT, FAST, MIX, SEAL, TOOL, ELEC, PLUMB = (
    "Краски и покрытия",
    "Крепеж",
    "Сухие смеси",
    "Герметики и клеи",
    "Инструмент",
    "Электротовары",
    "Сантехника",
)
# Relative number of families per category.
CATEGORY_WEIGHT = {PAINT: 5.0, FAST: 3.5, MIX: 3.5, SEAL: 3.0, TOOL: 3.0, ELEC: 3.0, PLUMB: 2.0}


# --------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Word:
    """One word of a product-kind name with the abbreviations dealers use for it."""

    canon: str
    abbr: tuple[str, ...] = ()


def W(*specs: str) -> tuple[Word, ...]:
    """Parse "canon:abbr1|abbr2" specs into Words (keeps the kind table compact)."""
    words = []
    for spec in specs:
        canon, _, abbr = spec.partition(":")
        words.append(Word(canon, tuple(a for a in abbr.split("|") if a)))
    return tuple(words)


@dataclass(frozen=True)
class Axis:
    """A property that tells products apart: pack size, dimensions, colour or a tag.

    `pool` holds the manufacturer's spellings; for tags each entry is
    "canon|dealer variant|dealer variant".  A family takes `vary` values of it.
    """

    kind: str  # "pack" | "dims" | "color" | "tag"
    pool: tuple[str, ...]
    vary: tuple[int, int] = (1, 1)
    attr: str = ""  # catalog attribute key ("" = derived)
    unit: str = ""  # dims only
    sep: str = "x"  # dims only: manufacturer's separator


def pack(*vals: str, vary: tuple[int, int] = (1, 1)) -> Axis:
    return Axis("pack", vals, vary)


def dims(
    *vals: str,
    vary: tuple[int, int] = (1, 1),
    unit: str = "мм",
    sep: str = "x",
    attr: str = "размер",
) -> Axis:
    return Axis("dims", vals, vary, attr, unit, sep)


def color(*vals: str, vary: tuple[int, int] = (1, 1)) -> Axis:
    return Axis("color", vals, vary, "цвет")


def tag(attr: str, *entries: str, vary: tuple[int, int] = (1, 1)) -> Axis:
    return Axis("tag", entries, vary, attr)


def mm(*sizes: int, attr: str = "ширина", vary: tuple[int, int] = (1, 1)) -> Axis:
    """Millimetre tag; dealers may write round sizes in centimetres."""
    entries = []
    for n in sizes:
        alt = f"|{n // 10} см" if n % 10 == 0 else ""
        entries.append(f"{n} мм|{n}мм|{n} mm{alt}")
    return tag(attr, *entries, vary=vary)


@dataclass(frozen=True)
class Kind:
    """A product kind (what the thing is) with the axes its families vary on."""

    key: str
    category: str
    gender: str  # "m" | "f" | "n" | "pl": colour adjectives agree with it
    code: str  # goes into some brands' article codes
    words: tuple[Word, ...]
    axes: tuple[Axis, ...]
    price: float  # roubles per kg / l / pcs / m, or per item
    flexible: bool = False  # adjectival name: dealers may reorder the head noun


# Colours: masculine canonical form -> (dealer abbreviation, English word or "").
COLORS: dict[str, tuple[str, str]] = {
    "белый": ("бел.", "white"),
    "черный": ("черн.", "black"),
    "серый": ("сер.", "grey"),
    "синий": ("син.", "blue"),
    "зеленый": ("зел.", "green"),
    "желтый": ("желт.", "yellow"),
    "красный": ("красн.", "red"),
    "коричневый": ("корич.", "brown"),
    "бежевый": ("беж.", "beige"),
    "красно-коричневый": ("кр.-кор.", ""),
    "желто-зеленый": ("ж/з", ""),
    "прозрачный": ("прозр.", "clear"),
    "бесцветный": ("б/цв", "colorless"),
    "слоновая кость": ("сл. кость", "ivory"),
    "база А": ("баз. А", "base A"),
    "база С": ("баз. С", "base C"),
    "орех": ("орех", "walnut"),
    "дуб": ("дуб", "oak"),
    "палисандр": ("палисандр", ""),
    "тик": ("тик", "teak"),
    "сосна": ("сосна", "pine"),
}

KINDS: tuple[Kind, ...] = (
    # --- paints and coatings
    Kind(
        "paint_facade",
        PAINT,
        "f",
        "ФА",
        W("Краска:кр.", "фасадная:фасад.|фас.", "акриловая:акр.|акрил."),
        (
            color("белый", "база А", "база С", vary=(1, 3)),
            pack("0,9 кг", "2,7 кг", "9 кг", "14 кг", "25 кг", vary=(3, 5)),
        ),
        230,
        True,
    ),
    Kind(
        "paint_interior",
        PAINT,
        "f",
        "ИН",
        W("Краска:кр.", "интерьерная:интер.|инт.", "водно-дисперсионная:в/д|вд", "моющаяся:моющ."),
        (
            color("белый", "база А", "база С", vary=(2, 3)),
            pack("1,5 кг", "3 кг", "7 кг", "14 кг", vary=(2, 4)),
        ),
        170,
        True,
    ),
    Kind(
        "enamel_pf115",
        PAINT,
        "f",
        "ПФ",
        W("Эмаль:эм.", "ПФ-115:ПФ115|ПФ 115|пф-115"),
        (
            color(
                "белый",
                "черный",
                "серый",
                "синий",
                "зеленый",
                "желтый",
                "красный",
                "коричневый",
                "слоновая кость",
                vary=(3, 6),
            ),
            pack("0,9 кг", "1,9 кг", "2,7 кг", "20 кг", vary=(1, 2)),
        ),
        260,
    ),
    Kind(
        "enamel_ak114",
        PAINT,
        "f",
        "АК",
        W("Эмаль:эм.", "для радиаторов:д/радиат.|д/рад.", "АК-114:АК114|АК 114"),
        (
            color("белый", "слоновая кость", vary=(2, 2)),
            pack("0,4 кг", "0,9 кг", "1,9 кг", vary=(2, 3)),
        ),
        420,
    ),
    Kind(
        "enamel_nc132",
        PAINT,
        "f",
        "НЦ",
        W("Эмаль:эм.", "НЦ-132:НЦ132|НЦ 132"),
        (
            color("белый", "черный", "красный", "синий", "зеленый", "серый", vary=(3, 5)),
            pack("0,7 кг", "1,7 кг", vary=(1, 2)),
        ),
        300,
    ),
    Kind(
        "primer_gf021",
        PAINT,
        "f",
        "ГФ",
        W("Грунтовка:грунт.|гр-ка", "ГФ-021:ГФ021|ГФ 021"),
        (
            color("серый", "красно-коричневый", vary=(2, 2)),
            pack("0,9 кг", "1,9 кг", "2,7 кг", "20 кг", vary=(2, 4)),
        ),
        200,
    ),
    Kind(
        "rust_enamel",
        PAINT,
        "f",
        "ГЭ",
        W("Грунт-эмаль:гр.-эмаль|грунт-эм.", "по ржавчине:по ржав.|п/ржав.", "3 в 1:3в1|3-в-1"),
        (
            color("черный", "серый", "зеленый", "коричневый", "синий", "красный", vary=(3, 5)),
            pack("0,4 кг", "0,9 кг", "1,9 кг", vary=(1, 2)),
        ),
        380,
    ),
    Kind(
        "varnish_yacht",
        PAINT,
        "m",
        "ЛЯ",
        W("Лак:лак", "яхтный:яхт.", "алкидно-уретановый:алк.-урет.|АУ"),
        (
            tag(
                "степень блеска",
                "глянцевый|глянц.|гл.",
                "полуматовый|п/мат.|полумат.",
                "матовый|мат.",
                vary=(2, 3),
            ),
            pack("0,75 л", "2,5 л", "9 л", vary=(2, 3)),
        ),
        650,
        True,
    ),
    Kind(
        "wood_antiseptic",
        PAINT,
        "m",
        "АД",
        W("Антисептик:антисепт.|а/септик", "для древесины:д/древ.|д/дерева", "декоративный:декор."),
        (
            color("бесцветный", "орех", "дуб", "палисандр", "тик", vary=(3, 5)),
            pack("0,9 л", "2,5 л", "9 л", vary=(1, 2)),
        ),
        350,
    ),
    Kind(
        "primer_concentrate",
        PAINT,
        "f",
        "ГК",
        W(
            "Грунтовка-концентрат:грунт.-конц.|гр-ка конц.",
            "глубокого проникновения:глуб. проник.|гл/пр",
        ),
        (
            tag(
                "разведение",
                "1:4|1 к 4|(1:4)",
                "1:6|1 к 6|(1:6)",
                "1:10|1 к 10|(1:10)",
                vary=(1, 2),
            ),
            pack("1 л", "5 л", "10 л", vary=(2, 3)),
        ),
        240,
    ),
    Kind(
        "tint_paste",
        PAINT,
        "f",
        "КП",
        W("Паста:паста", "колеровочная:колер.|кол.", "универсальная:унив."),
        (
            color(
                "желтый",
                "красный",
                "синий",
                "зеленый",
                "черный",
                "коричневый",
                "бежевый",
                vary=(3, 5),
            ),
            pack("100 мл", "250 мл", vary=(1, 2)),
        ),
        900,
        True,
    ),
    # --- fasteners
    Kind(
        "screw_wood",
        FAST,
        "m",
        "СД",
        W("Саморез:с/р|самор.", "по дереву:д/дер.|по дер.|п/д"),
        (
            dims("3,5x25", "3,5x35", "3,5x41", "3,5x55", "4,2x65", "4,2x75", "4,8x90", vary=(2, 3)),
            tag("покрытие", "фосфатированный|фосф.|ФОС", "оцинкованный|оцинк.|оц."),
            pack("200 шт", "500 шт", "1000 шт", vary=(2, 3)),
        ),
        1.1,
    ),
    Kind(
        "screw_press",
        FAST,
        "m",
        "СП",
        W("Саморез:с/р|самор.", "с прессшайбой:с п/ш|прессш.|ПШ", "острый:остр."),
        (
            dims("4,2x13", "4,2x16", "4,2x19", "4,2x25", "4,2x32", vary=(2, 4)),
            pack("250 шт", "1000 шт", vary=(1, 2)),
        ),
        0.9,
    ),
    Kind(
        "screw_roof",
        FAST,
        "m",
        "СК",
        W("Саморез:с/р|самор.", "кровельный:кров.|кровельн."),
        (
            dims("4,8x29", "4,8x35", "5,5x19", vary=(1, 2)),
            tag(
                "цвет RAL",
                "RAL 3005|RAL3005|вишня",
                "RAL 6005|RAL6005|зеленый мох",
                "RAL 8017|RAL8017|шоколад",
                "RAL 9003|RAL9003|сигн. белый",
                vary=(2, 4),
            ),
            pack("250 шт"),
        ),
        2.4,
    ),
    Kind(
        "dowel_nail",
        FAST,
        "m",
        "ДГ",
        W("Дюбель-гвоздь:д/г|дюб.-гвоздь|дюбель гвоздь"),
        (
            tag("бортик", "потайной бортик|потай|п/б", "цилиндрический бортик|цил. борт.|ц/б"),
            dims("6x40", "6x60", "6x80", "8x80", "8x100", vary=(2, 4)),
            pack("50 шт", "100 шт", "200 шт", vary=(1, 2)),
        ),
        3.0,
    ),
    Kind(
        "anchor_bolt",
        FAST,
        "m",
        "АБ",
        W("Анкерный болт:анк. болт|анкер-болт", "с гайкой:с гайк.|+гайка"),
        (
            dims("8x65", "10x77", "10x97", "12x100", "12x129", vary=(2, 4)),
            pack("10 шт", "25 шт", "50 шт", vary=(1, 3)),
        ),
        21,
    ),
    Kind(
        "nails",
        FAST,
        "pl",
        "ГВ",
        W("Гвозди:гв.|гвоздь", "строительные:строит.|стр."),
        (
            dims("2,5x50", "3x70", "3,5x90", "4x100", "5x150", vary=(2, 3)),
            pack("1 кг", "5 кг", "25 кг", vary=(2, 3)),
        ),
        160,
    ),
    Kind(
        "dowel_plastic",
        FAST,
        "m",
        "ДР",
        W("Дюбель:дюб.", "распорный:расп.", "полипропиленовый:п/п|ПП|полипроп."),
        (
            dims("5x25", "6x30", "6x40", "8x40", "10x50", vary=(2, 4)),
            pack("100 шт", "1000 шт", vary=(1, 2)),
        ),
        0.7,
    ),
    # --- dry mixes
    Kind(
        "cement",
        MIX,
        "m",
        "ЦМ",
        W("Цемент:цем."),
        (
            tag(
                "марка",
                "М500 Д0|М500Д0|ПЦ 500-Д0|M500 D0",
                "М400 Д20|М400Д20|ПЦ 400-Д20|M400 D20",
                "М500 Д20|М500Д20|ПЦ 500-Д20|M500 D20",
                vary=(1, 2),
            ),
            pack("25 кг", "50 кг", vary=(2, 2)),
        ),
        14,
    ),
    Kind(
        "plaster_gypsum",
        MIX,
        "f",
        "ШГ",
        W("Штукатурка:шт-ка|штук.|штукат.", "гипсовая:гипс."),
        (
            tag(
                "нанесение",
                "ручного нанесения|ручн.|р/н",
                "машинного нанесения|машин.|МН",
                vary=(1, 2),
            ),
            color("белый", "серый", vary=(1, 2)),
            pack("5 кг", "15 кг", "30 кг", vary=(2, 3)),
        ),
        22,
        True,
    ),
    Kind(
        "tile_glue",
        MIX,
        "m",
        "КПЛ",
        W("Клей:кл.", "плиточный:плит.|д/плитки"),
        (
            tag("класс", "C0|С0|класс C0", "C1|С1|класс С1", "C2TE|С2ТЕ|C2 TE", vary=(1, 2)),
            pack("5 кг", "25 кг", vary=(2, 2)),
        ),
        20,
        True,
    ),
    Kind(
        "sand_concrete",
        MIX,
        "m",
        "ПБ",
        W("Пескобетон:пескобет.|ПБ"),
        (
            tag("марка", "М200|M200|М-200", "М300|M300|М-300", vary=(1, 2)),
            pack("25 кг", "40 кг", "50 кг", vary=(2, 3)),
        ),
        9,
    ),
    Kind(
        "self_level",
        MIX,
        "m",
        "ПН",
        W("Пол наливной:наливной пол|нал. пол", "быстротвердеющий:быстротв.|б/тв"),
        (
            tag(
                "слой", "слой 5-100 мм|5-100мм|5-100 мм", "слой 2-30 мм|2-30мм|2-30 мм", vary=(1, 2)
            ),
            pack("20 кг", "25 кг", vary=(2, 2)),
        ),
        26,
    ),
    Kind(
        "putty",
        MIX,
        "f",
        "ШП",
        W("Шпаклевка:шп-ка|шпакл.|шпатлевка", "финишная:фин.|финиш."),
        (
            tag("основа", "полимерная|полим.", "гипсовая|гипс."),
            pack("1,5 кг", "5 кг", "20 кг", "25 кг", vary=(3, 4)),
        ),
        45,
        True,
    ),
    Kind(
        "grout",
        MIX,
        "f",
        "ЗШ",
        W("Затирка:затир.", "для швов:д/швов|д/ш"),
        (
            color(
                "белый", "серый", "бежевый", "черный", "коричневый", "слоновая кость", vary=(3, 5)
            ),
            pack("2 кг", "5 кг", vary=(1, 2)),
        ),
        95,
    ),
    # --- sealants and adhesives
    Kind(
        "silicone_sanitary",
        SEAL,
        "m",
        "ГСС",
        W("Герметик:герм.", "силиконовый:сил.|силикон.", "санитарный:сан.|санит."),
        (
            color("белый", "прозрачный", "серый", "бежевый", vary=(2, 3)),
            pack("85 мл", "280 мл", vary=(1, 2)),
        ),
        1300,
        True,
    ),
    Kind(
        "acrylic_sealant",
        SEAL,
        "m",
        "ГА",
        W("Герметик:герм.", "акриловый:акр.|акрил.", "для дерева:д/дерева|д/дер."),
        (
            color("белый", "сосна", "дуб", "орех", vary=(2, 4)),
            pack("310 мл", "600 мл", vary=(1, 2)),
        ),
        700,
        True,
    ),
    Kind(
        "foam",
        SEAL,
        "f",
        "ПМН",
        W("Пена:пена", "монтажная:монт."),
        (
            tag("класс", "профессиональная|проф.|PRO", "бытовая|быт.", vary=(1, 2)),
            tag("сезон", "всесезонная|всесез.", "зимняя|зим.|-18С", vary=(1, 2)),
            pack("750 мл", "1000 мл", vary=(1, 2)),
        ),
        600,
        True,
    ),
    Kind(
        "pva",
        SEAL,
        "m",
        "ПВА",
        W("Клей:кл.", "ПВА:пва"),
        (
            tag(
                "назначение",
                "универсальный|унив.",
                "строительный|строит.|стр.",
                "столярный|столяр.",
            ),
            pack("0,5 кг", "1 кг", "2,5 кг", "5 кг", "10 кг", vary=(3, 5)),
        ),
        110,
    ),
    Kind(
        "liquid_nails",
        SEAL,
        "m",
        "ЖГ",
        W("Клей монтажный:монт. клей|кл. монт.", "жидкие гвозди:ж/гвозди|жидк. гв."),
        (
            tag(
                "назначение",
                "универсальный|унив.",
                "для панелей|д/панелей",
                "сверхсильный|сверхсильн.|экстра",
                "для зеркал|д/зеркал",
                vary=(2, 4),
            ),
            pack("280 мл", "310 мл", vary=(1, 2)),
        ),
        900,
    ),
    Kind(
        "wallpaper_glue",
        SEAL,
        "m",
        "КО",
        W("Клей:кл.", "обойный:обойн.|д/обоев"),
        (
            tag(
                "тип", "флизелиновый|флиз.", "виниловый|винил.", "универсальный|унив.", vary=(2, 3)
            ),
            pack("200 г", "250 г", "500 г", vary=(1, 2)),
        ),
        1100,
        True,
    ),
    # --- tools
    Kind(
        "spatula_facade",
        TOOL,
        "m",
        "ШФ",
        W("Шпатель:шпат.", "фасадный:фасад.|фас."),
        (
            tag("исполнение", "нержавеющий|нерж.|н/ж", "с пластиковой ручкой|пласт. ручка|пл/р"),
            mm(100, 150, 250, 350, 450, 600, vary=(4, 6)),
        ),
        260,
        True,
    ),
    Kind(
        "roller",
        TOOL,
        "m",
        "ВМ",
        W("Валик:вал.", "малярный:маляр.|мал."),
        (
            tag(
                "покрытие",
                "велюр|велюровый",
                "полиакрил|полиакр.",
                "микрофибра|микрофиб.",
                vary=(2, 3),
            ),
            mm(100, 180, 250, vary=(2, 3)),
        ),
        240,
        True,
    ),
    Kind(
        "brush",
        TOOL,
        "f",
        "КФ",
        W("Кисть:кисть", "плоская:плоск.|пл."),
        (
            tag(
                "щетина",
                "натуральная щетина|нат. щетина|натур.",
                "синтетическая щетина|синт.|синтетика",
            ),
            mm(25, 38, 50, 63, 75, 100, vary=(4, 6)),
        ),
        90,
        True,
    ),
    Kind(
        "level",
        TOOL,
        "m",
        "УС",
        W("Уровень:ур-нь|уров.", "строительный:строит.|стр."),
        (
            tag("глазки", "2 глазка|2 глаз.|2 колбы", "3 глазка|3 глаз.|3 колбы"),
            mm(400, 600, 800, 1000, 1200, 2000, attr="длина", vary=(4, 6)),
        ),
        700,
        True,
    ),
    Kind(
        "tape",
        TOOL,
        "f",
        "РУ",
        W("Рулетка:рулет.", "измерительная:измерит.|изм."),
        (
            tag(
                "длина", "3 м|3м|3 m", "5 м|5м|5 m", "7,5 м|7.5м|7,5м", "10 м|10м|10 m", vary=(2, 4)
            ),
            tag("лента", "лента 19 мм|19мм|лента 19мм", "лента 25 мм|25мм|лента 25мм", vary=(1, 2)),
        ),
        380,
        True,
    ),
    Kind(
        "cut_disc",
        TOOL,
        "m",
        "ДО",
        W("Диск:диск|круг", "отрезной:отр.", "по металлу:п/мет.|по мет."),
        (
            dims(
                "125x1,0x22,2",
                "125x1,2x22,2",
                "125x1,6x22,2",
                "180x1,6x22,2",
                "230x2,0x22,2",
                vary=(4, 5),
            ),
        ),
        55,
        True,
    ),
    Kind(
        "drill_sds",
        TOOL,
        "m",
        "БУ",
        W("Бур:бур", "SDS-plus:SDS+|SDS plus|сдс+"),
        (dims("6x110", "6x160", "8x160", "8x210", "10x160", "10x210", "12x210", vary=(4, 7)),),
        160,
    ),
    # --- electrical
    Kind(
        "cable_vvg",
        ELEC,
        "m",
        "КВ",
        W("Кабель:каб.", "ВВГнг(А)-LS:ВВГнг-LS|ВВГнгLS|ВВГ-нг(A)-LS"),
        (
            dims(
                "2х1,5",
                "3х1,5",
                "3х2,5",
                "3х4",
                "3х6",
                "5х2,5",
                vary=(1, 3),
                unit="",
                sep="х",
                attr="сечение",
            ),
            pack("50 м", "100 м", "200 м", vary=(2, 3)),
        ),
        95,
    ),
    Kind(
        "wire_pvs",
        ELEC,
        "m",
        "ПВ",
        W("Провод:пров.|пр-д", "ПВС:пвс"),
        (
            dims(
                "2х0,75",
                "2х1,5",
                "3х0,75",
                "3х1,5",
                "3х2,5",
                vary=(1, 2),
                unit="",
                sep="х",
                attr="сечение",
            ),
            color("белый", "черный", vary=(1, 2)),
            pack("50 м", "100 м", vary=(1, 2)),
        ),
        60,
    ),
    Kind(
        "wire_pugv",
        ELEC,
        "m",
        "ПУ",
        W("Провод:пров.|пр-д", "ПуГВ:ПУГВ|пугв"),
        (
            dims("1х1,5", "1х2,5", "1х4", vary=(1, 2), unit="", sep="х", attr="сечение"),
            color("белый", "синий", "желто-зеленый", "красный", "черный", vary=(3, 5)),
            pack("100 м", "200 м"),
        ),
        25,
    ),
    Kind(
        "cable_channel",
        ELEC,
        "m",
        "КК",
        W("Кабель-канал:к/к|кабель канал|кабельканал"),
        (
            dims("16x16", "25x16", "40x25", "60x40", vary=(2, 4)),
            color("белый", "коричневый", vary=(1, 2)),
            pack("2 м"),
        ),
        45,
    ),
    Kind(
        "lamp_led",
        ELEC,
        "f",
        "ЛС",
        W("Лампа:лампа", "светодиодная:св/диод.|LED|с/д"),
        (
            tag("форма", "A60|А60|груша", "C37|С37|свеча", "G45|Г45|шар"),
            tag(
                "мощность",
                "7 Вт|7Вт|7W",
                "10 Вт|10Вт|10W",
                "13 Вт|13Вт|13W",
                "15 Вт|15Вт|15W",
                "20 Вт|20Вт|20W",
                vary=(2, 3),
            ),
            tag("цоколь", "E27|Е27|E 27", "E14|Е14|E 14"),
            tag(
                "цветовая температура",
                "3000 К|3000K|тепл.",
                "4000 К|4000K|нейтр.",
                "6500 К|6500K|холодн.",
                vary=(2, 3),
            ),
        ),
        140,
    ),
    Kind(
        "ext_cord",
        ELEC,
        "m",
        "УД",
        W("Удлинитель:удлин.|удл."),
        (
            tag(
                "розетки",
                "3 гнезда|3 гн.|3 розетки",
                "4 гнезда|4 гн.|4 розетки",
                "5 гнезд|5 гн.|5 розеток",
                vary=(1, 2),
            ),
            tag("длина шнура", "1,5 м|1.5м|1,5м", "3 м|3м|3 m", "5 м|5м|5 m", vary=(2, 3)),
            tag(
                "заземление",
                "с заземлением|с/з|с зазем.",
                "без заземления|б/з|без зазем.",
                vary=(1, 2),
            ),
        ),
        420,
    ),
    # --- plumbing
    Kind(
        "ball_valve",
        PLUMB,
        "m",
        "КШ",
        W("Кран:кран", "шаровой:шар.", "латунный:лат."),
        (
            tag(
                "резьба",
                '1/2"|1/2 дюйма|Ду15|DN15',
                '3/4"|3/4 дюйма|Ду20|DN20',
                '1"|1 дюйм|Ду25|DN25',
                vary=(2, 3),
            ),
            tag("присоединение", "ВР-ВР|г/г|вн-вн", "ВР-НР|г/ш|вн-нар", vary=(1, 2)),
            tag("ручка", "рычаг|рыч.|ручка-рычаг", "бабочка|баб.|ручка-бабочка", vary=(1, 2)),
        ),
        480,
        True,
    ),
    Kind(
        "pp_pipe",
        PLUMB,
        "f",
        "ТП",
        W("Труба:тр.", "полипропиленовая:п/п|ПП|PPR", "PN20:PN 20|ПН20"),
        (
            tag(
                "диаметр",
                "20 мм|20мм|d20|ф20",
                "25 мм|25мм|d25|ф25",
                "32 мм|32мм|d32|ф32",
                "40 мм|40мм|d40|ф40",
                vary=(2, 4),
            ),
            tag(
                "армирование",
                "армированная стекловолокном|арм. стекловол.|стекловолокно",
                "армированная алюминием|арм. алюм.|алюминий",
                vary=(1, 2),
            ),
            pack("2 м", "4 м", vary=(1, 2)),
        ),
        120,
        True,
    ),
    Kind(
        "flex_hose",
        PLUMB,
        "f",
        "ПГ",
        W("Подводка:подв.", "гибкая:гибк.", "для воды:д/воды|д/в"),
        (
            tag(
                "присоединение",
                '1/2" г-г|1/2 г/г|гайка-гайка 1/2',
                '1/2" г-ш|1/2 г/ш|гайка-штуцер 1/2',
            ),
            tag(
                "длина",
                "30 см|30см|0,3 м",
                "40 см|40см|0,4 м",
                "50 см|50см|0,5 м",
                "60 см|60см|0,6 м",
                "80 см|80см|0,8 м",
                "100 см|100см|1 м",
                vary=(3, 5),
            ),
        ),
        190,
        True,
    ),
    Kind(
        "fum_tape",
        PLUMB,
        "f",
        "ЛФ",
        W("Лента:лента", "ФУМ:фум|FUM"),
        (
            tag(
                "размер",
                "12 мм x 10 м|12мм*10м|12х10м",
                "19 мм x 15 м|19мм*15м|19х15м",
                "19 мм x 20 м|19мм*20м|19х20м",
                "25 мм x 10 м|25мм*10м|25х10м",
                vary=(2, 4),
            ),
        ),
        60,
    ),
)


@dataclass(frozen=True)
class Brand:
    """A trade mark the manufacturer sells under; `article` is its code pattern."""

    name: str
    aliases: tuple[str, ...]  # transliterations / other spellings dealers use
    categories: tuple[str, ...]
    article: str  # format: code, n, fam, var, letter
    article_in_title: bool = True


BRANDS: tuple[Brand, ...] = (
    Brand("ProfiMaster", ("ПрофиМастер", "Профи Мастер"), (PAINT, TOOL, MIX), "ПМ-{code}-{n:02d}"),
    Brand("White Hill", ("Уайт Хилл", "Вайт Хилл", "WhiteHill"), (PAINT, SEAL, MIX), "WH-{n:03d}"),
    Brand("Белый Дом", ("Belyi Dom", "Б.Дом"), (PAINT, MIX, SEAL), "{fam:03d}-{var}{letter}"),
    Brand("Крепыш", ("Krepysh",), (FAST, TOOL), "KR-{n:03d}", article_in_title=False),
    Brand("ХимМастер", ("HimMaster", "Хим Мастер"), (SEAL, PAINT), "ХМ-{n:02d}"),
    Brand("ЭлектроСила", ("ElektroSila", "Электро Сила"), (ELEC,), "ЭС-{n:04d}"),
    Brand("KraftLine", ("КрафтЛайн", "Крафт Лайн"), (TOOL, ELEC, FAST, PLUMB), "KL{n:04d}"),
    Brand("АкваПрофи", ("AquaProfi", "Аква Профи"), (PLUMB,), "АП-{n:05d}"),
    Brand("СтройРесурс", ("StroyResurs", "Строй Ресурс"), (MIX, FAST, PLUMB), "СР.{code}.{n:03d}"),
)


@dataclass(frozen=True)
class Dealer:
    """One dealer's writing habits; every line from that dealer follows them.

    order: segments K kind words, B brand, A other axes, P pack, R article.
    """

    name: str
    abbrev: int = 0  # 0 full words, 1 some abbreviated, 2 all abbreviated
    order: str = "KBAPR"
    caps: bool = False
    move_head: bool = False  # "фасадная краска ..." for adjectival kinds
    units: str = "space"  # space "9 кг" | tight "9кг" | latin "9 kg" | paren "(9 кг)"
    dec: str = ","
    pad: bool = False  # "9,0 кг"
    convert: float = 0.0  # chance to write 0,5 л as 500 мл, 0,9 кг as 900 г ...
    thousands: bool = False  # "1 тыс. шт"
    dims_sep: str = "x"
    dims_unit: bool = True
    brand: str = "canon"  # canon | alias | lower | upper | quoted
    drop_brand: float = 0.0
    drop_axis: float = 0.0
    colors: str = "agree"  # agree | masc | abbr | eng
    article: str = "none"  # none | art | bare | nohyph | paren | code
    article_p: float = 0.0
    prefix: tuple[str, ...] = ()
    suffix: tuple[str, ...] = ()
    noise_p: float = 0.0
    price: str = ""  # "" | rub | r | rub00
    price_p: float = 0.0
    typo: float = 0.0
    feed: bool = False  # marketplace feed: brand/article also in attributes


DEALERS: tuple[Dealer, ...] = (
    Dealer(
        "ТД СтройДвор",
        abbrev=1,
        dims_sep="х",
        drop_brand=0.2,
        drop_axis=0.05,
        article="art",
        article_p=0.4,
        suffix=("в наличии",),
        noise_p=0.2,
        price="rub",
        price_p=0.5,
        typo=0.05,
    ),
    Dealer(
        "Крепеж-Опт",
        abbrev=2,
        order="KAPBR",
        caps=True,
        units="tight",
        dec=".",
        thousands=True,
        dims_sep="*",
        brand="alias",
        drop_brand=0.4,
        drop_axis=0.1,
        colors="abbr",
        article="nohyph",
        article_p=0.6,
        prefix=("упак.",),
        noise_p=0.3,
        typo=0.03,
    ),
    Dealer(
        "Маркет-Ремонт", order="BKAP", convert=0.3, suffix=("в наличии",), noise_p=0.3, feed=True
    ),
    Dealer(
        "ИП Сидоров",
        abbrev=2,
        order="KAPB",
        move_head=True,
        units="tight",
        dims_sep="х",
        dims_unit=False,
        brand="lower",
        drop_brand=0.5,
        drop_axis=0.15,
        colors="masc",
        suffix=("цена за шт",),
        noise_p=0.3,
        typo=0.15,
    ),
    Dealer(
        "Электро-Снаб",
        abbrev=1,
        order="RKBAP",
        units="latin",
        dec=".",
        brand="alias",
        drop_brand=0.1,
        colors="eng",
        article="bare",
        article_p=0.8,
        price="r",
        price_p=0.4,
        typo=0.03,
    ),
    Dealer(
        "СМ Регион",
        abbrev=1,
        move_head=True,
        units="paren",
        pad=True,
        brand="upper",
        article="paren",
        article_p=0.7,
        price="rub00",
        price_p=0.6,
    ),
    Dealer(
        "Строймаркет 24",
        caps=True,
        order="KBAP",
        convert=0.5,
        brand="quoted",
        drop_axis=0.05,
        colors="masc",
        suffix=("(под заказ)",),
        noise_p=0.25,
        typo=0.06,
    ),
    Dealer(
        "База Отделки",
        abbrev=2,
        order="RKAPB",
        move_head=True,
        units="tight",
        dec=".",
        thousands=True,
        dims_sep="X",
        brand="alias",
        drop_brand=0.6,
        drop_axis=0.1,
        colors="abbr",
        article="code",
        article_p=0.5,
        price="rub",
        price_p=0.7,
        typo=0.08,
    ),
)


# --------------------------------------------------------------------- model


@dataclass
class Family:
    """One product line: kind + brand + fixed values; its products vary on the rest."""

    fid: str
    number: int
    kind: Kind
    brand: Brand
    choices: tuple[tuple[str, ...], ...]  # chosen values per axis
    products: list[Product] = field(default_factory=list)
    split: str = ""
    listed: bool = True


@dataclass
class Product:
    family: Family
    values: tuple[str, ...]  # canonical value per axis
    article: str
    price: float
    listed: bool = True
    title: str = ""
    catalog_id: str | None = None


@dataclass
class HardwareMarket:
    catalog: list[dict]
    offers: dict[str, list[dict]]
    pairs: dict[str, list[tuple[str, str, float]]]


# --------------------------------------------------------------------- helpers


def _stable(*parts: object) -> int:
    """Process-independent hash (str hash() is salted) for per-dealer habits."""
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8"))


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _num(d: Decimal, sep: str, pad: bool = False) -> str:
    text = format(d.normalize(), "f")
    if pad and "." not in text:
        text += ".0"
    return text.replace(".", sep)


def _tag_entries(axis: Axis) -> dict[str, tuple[str, ...]]:
    """canon -> all spellings (canon first) for a tag axis."""
    return {e.split("|")[0]: tuple(e.split("|")) for e in axis.pool}


def _canon_value(axis: Axis, raw: str) -> str:
    return raw.split("|")[0] if axis.kind == "tag" else raw


def _agree(col: str, gender: str) -> str:
    """Make a colour adjective agree with the head noun (invariant names stay)."""
    endings = {"ый": {"f": "ая", "n": "ое", "pl": "ые"}, "ий": {"f": "яя", "n": "ее", "pl": "ие"}}
    for masc, forms in endings.items():
        if col.endswith(masc) and " " not in col:
            return col if gender == "m" else col[: -len(masc)] + forms[gender]
    return col


_PACK_ATTR = {
    "кг": "вес",
    "г": "вес",
    "л": "объем",
    "мл": "объем",
    "шт": "количество",
    "м": "длина",
}
_BASE_UNIT = {
    "кг": Decimal(1),
    "г": Decimal("0.001"),
    "л": Decimal(1),
    "мл": Decimal("0.001"),
    "шт": Decimal(1),
    "м": Decimal(1),
}
_LATIN_UNIT = {"кг": "kg", "г": "g", "л": "L", "мл": "ml", "шт": "pcs", "м": "m", "мм": "mm"}


def _split_qty(text: str) -> tuple[Decimal, str]:
    number, unit = text.split(" ")
    return _dec(number), unit


# --------------------------------------------------------------------- families


def _allocate(total: int) -> list[str]:
    """Largest-remainder split of `total` families over categories."""
    weight = sum(CATEGORY_WEIGHT.values())
    exact = {c: total * w / weight for c, w in CATEGORY_WEIGHT.items()}
    counts = {c: int(x) for c, x in exact.items()}
    rest = sorted(exact, key=lambda c: exact[c] - counts[c], reverse=True)
    for c in rest[: total - sum(counts.values())]:
        counts[c] += 1
    return [c for c in CATEGORY_WEIGHT for _ in range(counts[c])]


def _choose(axis: Axis, rng: random.Random) -> list[str]:
    lo, hi = axis.vary
    k = rng.randint(lo, min(hi, len(axis.pool)))
    picked = sorted(rng.sample(range(len(axis.pool)), k))
    return [_canon_value(axis, axis.pool[i]) for i in picked]


def _grid(kind: Kind, rng: random.Random) -> list[list[str]]:
    """Pick each axis's values and trim the grid so one family stays a product line."""
    choices = [_choose(a, rng) for a in kind.axes]
    while len(list(itertools.product(*choices))) > MAX_VARIANTS:
        biggest = max(range(len(choices)), key=lambda i: len(choices[i]))
        choices[biggest].pop(rng.randrange(len(choices[biggest])))
    return choices


def _price(kind: Kind, values: tuple[str, ...]) -> float:
    amount = Decimal(1)
    for axis, value in zip(kind.axes, values, strict=False):
        if axis.kind == "pack":
            n, unit = _split_qty(value)
            amount = n * _BASE_UNIT[unit]
        elif axis.kind in ("tag", "dims"):
            canon = [_canon_value(axis, e) for e in axis.pool]
            amount *= Decimal(1) + Decimal("0.12") * canon.index(value)
    return float(amount) * kind.price


def _make_families(rng: random.Random, total: int) -> list[Family]:
    categories = _allocate(total)
    rng.shuffle(categories)
    kind_use = {k.key: 0 for k in KINDS}
    brand_use: dict[tuple[str, str], int] = {}
    seen: set[tuple] = set()
    counters: dict[str, int] = {}
    families: list[Family] = []
    for number, category in enumerate(categories, start=1):
        kinds = [k for k in KINDS if k.category == category]
        brands = [b for b in BRANDS if category in b.categories]
        best: tuple[Kind, Brand, list[list[str]], list[tuple[str, ...]]] | None = None
        for attempt in range(60):
            # Spread families over kinds and brands first; widen the choice if that keeps colliding.
            least = min(kind_use[k.key] for k in kinds)
            kind = rng.choice(
                [k for k in kinds if kind_use[k.key] == least] if attempt < 20 else kinds
            )
            low = min(brand_use.get((kind.key, b.name), 0) for b in brands)
            brand = rng.choice(
                [b for b in brands if brand_use.get((kind.key, b.name), 0) == low]
                if attempt < 40
                else brands
            )
            choices = _grid(kind, rng)
            combos = [
                c for c in itertools.product(*choices) if (kind.key, brand.name, c) not in seen
            ]
            if best is None or len(combos) > len(best[3]):
                best = (kind, brand, choices, combos)
            if len(combos) == len(list(itertools.product(*choices))):
                break
        assert best is not None
        kind, brand, choices, combos = best
        if not combos:
            raise RuntimeError(f"family {number}: the kind table is too small for {total} families")
        keys = [(kind.key, brand.name, c) for c in combos]
        seen.update(keys)
        kind_use[kind.key] += 1
        brand_use[(kind.key, brand.name)] = brand_use.get((kind.key, brand.name), 0) + 1
        fam = Family(f"hf-{number:03d}", number, kind, brand, tuple(tuple(c) for c in choices))
        for var, combo in enumerate(combos):
            counters[brand.name] = (
                counters.get(brand.name, 100 if "{n:03d}" in brand.article else 1) + 1
            )
            article = brand.article.format(
                code=kind.code,
                n=counters[brand.name],
                fam=number,
                var=(var + 1) * 5,
                letter="кмтс"[number % 4],
            )
            fam.products.append(Product(fam, combo, article, _price(kind, combo)))
        families.append(fam)
    return families


def _assign_splits(families: list[Family], rng: random.Random) -> None:
    """~60/20/20 by family; walking a category-grouped order spreads every category."""
    share = {"train": 1.0 - sum(SPLIT_SHARE.values()), **SPLIT_SHARE}
    order: list[Family] = []
    for category in CATEGORY_WEIGHT:
        fams = [f for f in families if f.kind.category == category]
        rng.shuffle(fams)
        order.extend(fams)
    taken = dict.fromkeys(SPLITS, 0)
    for fam in order:
        fam.split = min(SPLITS, key=lambda s: (taken[s] + 1) / share[s])
        taken[fam.split] += 1


def _hold_out(families: list[Family], rng: random.Random) -> None:
    """Leave whole lines and single variants out of the catalog (~1/5 of products).

    Variant-level hold-outs are the hard no-match cases: a listed family in a pack
    size, colour or grade the catalog does not have.
    """
    products = [p for f in families for p in f.products]
    target = round(len(products) * PRODUCT_HOLDOUT)
    order = families[:]
    rng.shuffle(order)
    held = 0
    for fam in order[: round(len(families) * FAMILY_HOLDOUT)]:
        fam.listed = False
        for p in fam.products:
            p.listed = False
        held += len(fam.products)
    candidates = [p for f in order if f.listed and len(f.products) >= 2 for p in f.products]
    rng.shuffle(candidates)
    for p in candidates:
        if held >= target:
            break
        fam = p.family
        out = sum(not q.listed for q in fam.products)
        if out < max(1, len(fam.products) // 3):
            p.listed = False
            held += 1


# --------------------------------------------------------------------- catalog


def _canon_axis(axis: Axis, value: str, gender: str) -> str:
    if axis.kind == "color":
        return _agree(value, gender)
    if axis.kind == "dims" and axis.unit:
        return f"{value} {axis.unit}"
    return value


def _catalog_title(p: Product) -> str:
    kind, brand = p.family.kind, p.family.brand
    parts = [w.canon for w in kind.words] + [brand.name]
    parts += [_canon_axis(a, v, kind.gender) for a, v in zip(kind.axes, p.values, strict=False)]
    if brand.article_in_title:
        parts.append(f"(арт. {p.article})")
    return " ".join(parts)


def _catalog_attributes(p: Product, rng: random.Random) -> dict[str, str]:
    """The manufacturer's structured fields; not every record has all of them."""
    kind = p.family.kind
    attrs: dict[str, str] = {}
    if not p.family.brand.article_in_title or rng.random() < 0.8:
        attrs["артикул"] = p.article
    if rng.random() < 0.5:
        attrs["торговая марка"] = p.family.brand.name
    for axis, value in zip(kind.axes, p.values, strict=False):
        if rng.random() < 0.75:
            key = _PACK_ATTR[_split_qty(value)[1]] if axis.kind == "pack" else axis.attr
            attrs[key] = _canon_axis(axis, value, "m")
    return attrs


def _make_catalog(families: list[Family], rng: random.Random) -> list[dict]:
    catalog: list[dict] = []
    for fam in families:
        for p in fam.products:
            p.title = _catalog_title(p)
            if p.listed:
                p.catalog_id = f"hp-{len(catalog) + 1:04d}"
                catalog.append(
                    {
                        "catalog_id": p.catalog_id,
                        "title": p.title,
                        "attributes": _catalog_attributes(p, rng),
                    }
                )
    return catalog


# --------------------------------------------------------------------- dealer lines

_LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k"}


def _typo(word: str, rng: random.Random) -> str:
    """One slip of the hand: swap, drop, double, or a Latin look-alike letter."""
    if len(word) < 5 or not re.fullmatch(r"[А-Яа-яЁё]+", word):
        return word
    i = rng.randrange(1, len(word) - 2)
    op = rng.choice(("swap", "drop", "double", "latin"))
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    spots = [j for j, c in enumerate(word) if c.lower() in _LOOKALIKE]
    if not spots:
        return word
    j = rng.choice(spots)
    sub = _LOOKALIKE[word[j].lower()]
    return word[:j] + (sub.upper() if word[j].isupper() else sub) + word[j + 1 :]


def _word(w: Word, d: Dealer) -> str:
    if not w.abbr or d.abbrev == 0:
        return w.canon
    if d.abbrev == 1 and _stable(d.name, w.canon) % 2:
        return w.canon
    return w.abbr[_stable(d.name, "abbr", w.canon) % len(w.abbr)]


def _kind_words(kind: Kind, d: Dealer, rng: random.Random) -> list[str]:
    words = [_word(w, d) for w in kind.words]
    if d.move_head and kind.flexible and len(words) >= 2:
        words[0], words[1] = words[1], words[0].lower()
    if rng.random() < d.typo:
        i = rng.randrange(len(words))
        words[i] = " ".join(_typo(part, rng) for part in words[i].split(" "))
    return words


def _qty(value: str, d: Dealer, rng: random.Random) -> str:
    n, unit = _split_qty(value)
    if rng.random() < d.convert:
        if unit in ("кг", "л") and n < 1:
            n, unit = n * 1000, {"кг": "г", "л": "мл"}[unit]
        elif unit in ("г", "мл") and n >= 200:
            n, unit = n / 1000, {"г": "кг", "мл": "л"}[unit]
    if unit == "шт" and d.thousands and n >= 1000 and n % 1000 == 0:
        return f"{_num(n / 1000, d.dec)} тыс. шт"
    number = _num(n, d.dec, d.pad and unit not in ("шт", "м"))
    if d.units == "tight":
        return f"{number}{unit}"
    if d.units == "latin":
        return f"{number} {_LATIN_UNIT[unit]}"
    if d.units == "paren":
        return f"({number} {unit})"
    return f"{number} {unit}"


def _dims(axis: Axis, value: str, d: Dealer) -> str:
    parts = [_num(_dec(x), d.dec) for x in re.split("[xх]", value)]
    text = d.dims_sep.join(parts)
    if axis.unit and d.dims_unit:
        unit = _LATIN_UNIT.get(axis.unit, axis.unit) if d.units == "latin" else axis.unit
        text += unit if d.units == "tight" else f" {unit}"
    return text


def _color(value: str, gender: str, d: Dealer) -> str:
    abbr, eng = COLORS[value]
    if d.colors == "eng" and eng:
        return eng
    if d.colors in ("abbr", "eng"):
        return abbr
    return _agree(value, "m" if d.colors == "masc" else gender)


def _axis_text(axis: Axis, value: str, gender: str, d: Dealer) -> str:
    if axis.kind == "pack":
        raise ValueError("pack is rendered by _qty")
    if axis.kind == "dims":
        return _dims(axis, value, d)
    if axis.kind == "color":
        return _color(value, gender, d)
    spellings = _tag_entries(axis)[value]
    if d.abbrev == 0:
        return spellings[0]
    return spellings[_stable(d.name, "tag", value) % len(spellings)]


def _brand(brand: Brand, d: Dealer) -> str:
    if d.brand == "alias":
        return brand.aliases[_stable(d.name, brand.name) % len(brand.aliases)]
    if d.brand == "lower":
        return brand.name.lower()
    if d.brand == "upper":
        return brand.name.upper()
    if d.brand == "quoted":
        return f'"{brand.name}"'
    return brand.name


def _article(code: str, d: Dealer) -> str:
    if d.article == "nohyph":
        return re.sub(r"[-.]", "", code)
    if d.article == "art":
        return f"арт. {code}"
    if d.article == "paren":
        return f"({code})"
    if d.article == "code":
        return f"код {code}"
    return code


def _price_text(price: float, d: Dealer, rng: random.Random) -> str:
    rub = max(10, round(price * rng.uniform(0.92, 1.15) / 10.0) * 10)
    grouped = f"{rub:,}".replace(",", " ")
    return {"rub": f"- {grouped} руб", "r": f"{rub}р.", "rub00": f"{grouped},00 ₽"}[d.price]


def _unique(
    p: Product, brand_on: bool, axes_on: list[int], index: dict[str, list[Product]]
) -> bool:
    """Do the stated facts single out `p` among all products (listed or not)?"""
    for q in index[p.family.kind.key]:
        if q is p or (brand_on and q.family.brand is not p.family.brand):
            continue
        if all(q.values[i] == p.values[i] for i in axes_on):
            return False
    return True


def _stated(
    p: Product, d: Dealer, rng: random.Random, index: dict[str, list[Product]]
) -> tuple[bool, list[int]]:
    """Decide which facts the line states; put dropped facts back until it is unambiguous."""
    n = len(p.values)
    brand_on = rng.random() >= d.drop_brand
    axes_on = [i for i in range(n) if rng.random() >= d.drop_axis]
    missing = [i for i in range(n) if i not in axes_on]
    while not _unique(p, brand_on, axes_on, index):
        if missing:
            axes_on = sorted([*axes_on, missing.pop(0)])
        elif not brand_on:
            brand_on = True
        else:
            raise AssertionError(f"duplicate product {p.title}")
    return brand_on, axes_on


def _offer_line(
    p: Product, d: Dealer, rng: random.Random, index: dict[str, list[Product]]
) -> tuple[str, dict[str, str]]:
    kind, brand = p.family.kind, p.family.brand
    brand_on, axes_on = _stated(p, d, rng, index)
    seg: dict[str, list[str]] = {"K": _kind_words(kind, d, rng), "B": [], "A": [], "P": [], "R": []}
    if brand_on:
        seg["B"].append(brand.name if d.feed else _brand(brand, d))
    for i in axes_on:
        axis, value = kind.axes[i], p.values[i]
        if axis.kind == "pack":
            seg["P"].append(_qty(value, d, rng))
        else:
            seg["A"].append(_axis_text(axis, value, kind.gender, d))
    if d.article != "none" and rng.random() < d.article_p:
        seg["R"].append(_article(p.article, d))
    parts = [x for key in d.order for x in seg[key]]
    if d.prefix and rng.random() < d.noise_p:
        parts.insert(0, rng.choice(d.prefix))
    if d.suffix and rng.random() < d.noise_p:
        parts.append(rng.choice(d.suffix))
    if d.price and rng.random() < d.price_p:
        parts.append(_price_text(p.price, d, rng))
    title = re.sub(r"\s+", " ", " ".join(parts)).strip()
    title = title.upper() if d.caps else title[:1].upper() + title[1:]
    attrs: dict[str, str] = {}
    if d.feed:
        attrs["Бренд"] = brand.name
        if rng.random() < 0.5:
            attrs["Артикул"] = p.article
    return title, attrs


def _make_offers(
    families: list[Family], rng: random.Random
) -> tuple[list[dict], dict[str, Product]]:
    index: dict[str, list[Product]] = {}
    for fam in families:
        index.setdefault(fam.kind.key, []).extend(fam.products)
    offers: list[dict] = []
    truth: list[Product] = []
    for fam in families:
        for p in fam.products:
            for d in rng.sample(DEALERS, rng.choice(OFFERS_PER_PRODUCT)):
                title, attrs = _offer_line(p, d, rng, index)
                offers.append(
                    {
                        "title": title,
                        "attributes": attrs,
                        "expected_catalog_id": p.catalog_id,
                        "family": fam.fid,
                    }
                )
                truth.append(p)
    order = list(range(len(offers)))
    rng.shuffle(order)
    shuffled, by_id = [], {}
    for n, i in enumerate(order, start=1):
        offer = {"offer_id": f"ho-{n:05d}", **offers[i]}
        shuffled.append(offer)
        by_id[offer["offer_id"]] = truth[i]
    return shuffled, by_id


# --------------------------------------------------------------------- pairs


def _closest(p: Product, others: list[Product], rng: random.Random) -> Product:
    """The sibling that differs from `p` on the fewest axes: the hardest negative."""

    def diff(q: Product) -> int:
        return sum(a != b for a, b in zip(p.values, q.values, strict=False))

    best = min(diff(q) for q in others)
    return rng.choice([q for q in others if diff(q) == best])


def _make_pairs(
    offers: list[dict],
    truth: dict[str, Product],
    families: list[Family],
    split: str,
    rng: random.Random,
) -> list[tuple[str, str, float]]:
    listed = [p for f in families if f.split == split for p in f.products if p.listed]
    rows: dict[tuple[str, str], float] = {}
    conflicts: set[tuple[str, str]] = set()

    def add(a: str, b: str, label: float) -> None:
        if rows.setdefault((a, b), label) != label:
            conflicts.add((a, b))

    for offer in offers:
        p, title = truth[offer["offer_id"]], offer["title"]
        if p.listed:
            add(title, p.title, 1.0)
        siblings = [q for q in p.family.products if q.listed and q is not p]
        if siblings:
            hard = _closest(p, siblings, rng)
            add(title, hard.title, 0.0)
            rest = [q for q in siblings if q is not hard]
            if rest and rng.random() < 0.5:
                add(title, rng.choice(rest).title, 0.0)
        same_cat = [
            q
            for q in listed
            if q.family is not p.family and q.family.kind.category == p.family.kind.category
        ]
        same_kind = [q for q in same_cat if q.family.kind is p.family.kind]
        if same_kind and rng.random() < 0.5:
            add(title, rng.choice(same_kind).title, 0.0)
        elif same_cat:
            add(title, rng.choice(same_cat).title, 0.0)
        others = [q for q in listed if q.family is not p.family]
        if others:
            add(title, rng.choice(others).title, 0.0)
    return [(a, b, label) for (a, b), label in rows.items() if (a, b) not in conflicts]


# --------------------------------------------------------------------- public API


def build_hardware_market(seed: int = 7, families: int = 120) -> HardwareMarket:
    """Build the catalog, dealer offers and training pairs, deterministic for `seed`."""
    codes = [k.code for k in KINDS]
    assert len(codes) == len(set(codes)), "kind codes must be unique (they make articles)"
    rng = random.Random(seed)
    fams = _make_families(rng, families)
    _assign_splits(fams, rng)
    _hold_out(fams, rng)
    catalog = _make_catalog(fams, rng)
    all_offers, truth = _make_offers(fams, rng)
    split_of = {f.fid: f.split for f in fams}
    offers = {s: [o for o in all_offers if split_of[o["family"]] == s] for s in SPLITS}
    pairs = {s: _make_pairs(offers[s], truth, fams, s, rng) for s in SPLITS}
    return HardwareMarket(catalog, offers, pairs)


def write(market: HardwareMarket, out_dir: str | Path) -> dict[str, int]:
    """Write catalog.jsonl, offers_{split}.jsonl, pairs_{split}.csv; return row counts."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def dump(path: Path, rows: list[dict]) -> None:
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    counts = {"catalog": len(market.catalog)}
    dump(out / "catalog.jsonl", market.catalog)
    for split, rows in market.offers.items():
        dump(out / f"offers_{split}.jsonl", rows)
        counts[f"offers_{split}"] = len(rows)
    for split, pairs in market.pairs.items():
        with (out / f"pairs_{split}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["sentence_0", "sentence_1", "label"])
            writer.writerows(pairs)
        counts[f"pairs_{split}"] = len(pairs)
    return counts


if __name__ == "__main__":
    import sys

    print(write(build_hardware_market(), sys.argv[1] if len(sys.argv) > 1 else "hardware_market"))
