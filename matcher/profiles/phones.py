"""The phones profile: the seed's domain — phones and tablets, Russian and English price lists.

Reads colour (Cyrillic and Latin, marketing names), RAM and ROM (every way suppliers write them,
bare numbers included), SIM, network, region, brand and series, the model's signature, and what
kind of product it is (a tablet or an accessory is never the phone). Prices and manufacturer part
numbers are read for what they are, so they never pass for model numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from matcher.decision.guards import ColorGuard, EqualGuard, SizeGuard
from matcher.decision.rules import SoleVariant
from matcher.normalize import aliases, codes, colors, keys, memory, prices, tokens, typos
from matcher.normalize.attributes import Attributes, Field, Normalized, Schema
from matcher.profiles.base import Profile

VERSION = "7"

# Words that are part of a model's name: "note 14" is not "14", "pad 6" is not "6".
MODEL_WORDS = frozenset(
    {"note", "pad", "tab", "fold", "flip", "nord", "edge", "mate", "nova", "pura", "magic",
     "spark", "camon", "pova", "pop", "hot", "smart", "zero", "gt", "narzo", "phone", "fusion"}
)  # fmt: skip
# A series inside a brand: "xiaomi 13" and "redmi 13" are different phones.
LINES = {"redmi": "xiaomi", "poco": "xiaomi"}
TABLET_WORDS = frozenset({"pad", "ipad", "tab", "tablet", "планшет", "matepad", "wi-fi", "wifi"})
ACCESSORY_WORDS = frozenset(
    {"чехол", "чехол-книжка", "case", "cover", "бампер", "стекло", "glass", "пленка", "film",
     "кабель", "cable", "charger", "зарядка", "зарядное", "адаптер", "adapter", "наушники",
     "earbuds", "buds", "часы", "watch", "ремешок", "strap", "держатель", "holder", "powerbank",
     "аккумулятор", "stylus", "стилус", "для"}
)  # fmt: skip
_SPELLINGS = {
    "редми": "redmi", "нот": "note", "поко": "poco", "про": "pro", "макс": "max", "плюс": "plus",
    "ультра": "ultra", "лайт": "lite", "мини": "mini", "галакси": "galaxy", "айпад": "ipad",
    "пиксель": "pixel", "техно": "tecno", "виво": "vivo", "моторола": "motorola",
    "ванплас": "oneplus", "нокиа": "nokia", "нотинг": "nothing", "флип": "flip", "фолд": "fold",
    "нова": "nova", "хонор": "honor", "реалми": "realme", "инфиникс": "infinix",
}  # fmt: skip
# Not the product: a screen size, a warranty, Apple's chip, the (PRODUCT)RED label.
_NOISE_RE = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:\"|”|″|''|дюйм\w*|inch\w*)"
    r"|гарантия\s*\d+\s*(?:год\w*|лет|мес\w*)|warranty\s*\d+\s*\w+"
    r"|\(product\)\s*(?=red)"
)
_LOOKALIKE = str.maketrans("авсеикмнорстухт", "abceukmhopctyxt")
_JOINED = re.compile(
    r"^("
    + "|".join(sorted(MODEL_WORDS | typos.VARIANT_WORDS, key=len, reverse=True))
    + r")(\d\w*)$"
)
_SPLIT_DIGITS = re.compile(
    r"^(\d+)(" + "|".join(sorted(typos.VARIANT_WORDS, key=len, reverse=True)) + r")$"
)


def normalize(title: str, attributes: Mapping[str, object] | None = None) -> Normalized:
    """Normalize a phone listing plus any structured attributes the sender gave.

    Attributes given explicitly (under any of their English or Russian names) win over what the
    title says; everything else is read from the title.
    """
    given = keys.canonical(attributes)
    # A seed-style "title | color: …" input: keep the title, read attributes from the tail.
    head, bar, tail = title.partition("|")
    if bar:
        for key, value in re.findall(r"(color|ram|rom)\s*:\s*([^,]+)", tail.lower()):
            given.setdefault(key, value.strip())
    text = tokens.clean(_NOISE_RE.sub(" ", prices.drop(head.lower())))
    text = aliases.fold_spellings(_words(text))
    text = " ".join(typos.repair(w) for w in text.split())
    found_codes, text = codes.extract(text)
    sim, text = tokens.extract_sim(text)
    mem, text = memory.extract(text)
    mem, text = _bare_storage(mem, text)
    english, russian, text = colors.read(text)
    region, text = tokens.extract_region(text)
    network, text = tokens.extract_network(text)
    text = re.sub(r"(?<=\w)\+(?!\w)", " plus", text)
    raw_words = tokens.drop_marketing(text.split())
    category = _category(raw_words)
    words = aliases.apply([w for w in raw_words if w != "для"])
    if given.get("color") is not None:  # the sender's colour wins, in its own language
        value = " ".join(str(given["color"]).lower().replace("ё", "е").split())
        stated = colors.canonical(value, strict=False)
        if stated is not None and re.search(r"[а-я]", value):
            # A Russian name replaces the title's; an English name the title contradicts goes.
            russian = stated
            english = english if english and colors.compatible(english, stated) else None
        elif stated is not None:
            english = stated  # the title's Russian name stays: a separate, coarser fact
    ram, rom = _given_memory(given)
    code = given.get("code")
    attributes = Attributes(
        color=english,
        color_ru=russian,
        ram=ram or mem.ram,
        rom=rom or mem.rom,
        network=network,
        sim=sim,
        region=region,
        model=model_signature(words),
        brand=_brand(given, words),
        line=_line(words),
        category=category,
        connectivity=_connectivity(category, raw_words, network),
        codes=tuple(dict.fromkeys((*found_codes, *([codes.canonical(str(code))] if code else ())))),
    )
    cleaned = " ".join(words)
    return Normalized(cleaned, attributes, seed_text(cleaned, attributes))


def seed_text(title: str, a: Attributes) -> str:
    """What is embedded: the seed's form, ``title | color: …, ram: …, rom: …gb`` (the model card
    trained on it), so a fine-tuned model sees what it was trained on."""
    color = a.text("color") or a.text("color_ru") or "nan"
    ram = str(a.integer("ram")) if "ram" in a else "nan"
    rom = f"{a.integer('rom')}gb" if "rom" in a else "nan"
    return f"{title} | color: {color}, ram: {ram}, rom: {rom}"


def _words(text: str) -> str:
    """Transliterations (``редми нот`` → ``redmi note``), Cyrillic look-alikes in model tokens
    (``14т`` → ``14t``), and names run together (``note14pro`` → ``note 14 pro``)."""
    out = []
    for word in text.split():
        word = _SPELLINGS.get(word, word)
        if re.search(r"\d", word) and re.search(r"[а-я]", word) and len(word) <= 5:
            word = word.translate(_LOOKALIKE)
        while m := _JOINED.match(word):
            out.append(m.group(1))
            word = m.group(2)
        m = _SPLIT_DIGITS.match(word)
        if m:
            out += [m.group(1), m.group(2)]
            continue
        out.append(word)
    return " ".join(out)


def _bare_storage(mem: memory.Memory, text: str) -> tuple[memory.Memory, str]:
    """``iphone 14 256``, ``a55 8 256``: sizes without a unit, read when nothing else gave them —
    the last number that is a storage size, and a RAM size just before it."""
    if mem.rom is not None:
        return mem, text
    words = text.split()
    for i in range(len(words) - 1, 0, -1):
        if words[i].isdigit() and int(words[i]) in memory.ROM_SIZES and int(words[i]) >= 32:
            rom = int(words[i])
            ram = None
            if mem.ram is None and words[i - 1].isdigit() and int(words[i - 1]) in memory.RAM_SIZES:
                # "a55 8 256", "note 13 pro 8 256": a number before the RAM is the model's
                # ("iphone 16 256", "flip 6 256" have no RAM: that number is the model).
                before = words[i - 2] if i >= 2 else ""
                model_like = (
                    bool(re.search(r"\d", before))
                    or before in typos.VARIANT_WORDS
                    or (len(before) == 1 and before.isalpha())  # "13 c 4 128"
                )
                if model_like and int(words[i - 1]) < rom:
                    ram = int(words[i - 1])
            cut = i - 1 if ram is not None else i
            label = f"{ram}/{rom}gb" if ram is not None else f"{rom}gb"
            rest = [*words[:cut], label, *words[i + 1 :]]
            return memory.Memory(ram or mem.ram, rom), " ".join(rest)
    return mem, text


def _given_memory(given: Mapping[str, object]) -> tuple[int | None, int | None]:
    ram = memory.parse_size(given.get("ram"))
    rom = memory.parse_size(given.get("rom"))
    combined = given.get("memory")
    if combined is None and rom is None and re.search(r"\d\s*[/+]\s*\d", str(given.get("rom", ""))):
        combined = given["rom"]  # {"память": "12/256"}: RAM and storage under one key
    if combined is not None:
        found, _ = memory.extract(" ".join(str(combined).lower().split()))
        if found.rom is None:
            found, _ = _bare_storage(found, str(combined).replace("/", " ").replace("+", " "))
        ram, rom = ram or found.ram, rom or found.rom
    return ram, rom


def _category(words: list[str]) -> str:
    """``accessory`` when it is sold for a phone, ``tablet``, else ``phone``."""
    if ACCESSORY_WORDS & set(words):
        return "accessory"
    if TABLET_WORDS & set(words):
        return "tablet"
    return "phone"


def _connectivity(category: str, words: list[str], network: str | None) -> str | None:
    """A tablet with a SIM (``cellular``, ``lte``, ``5g``) or without (``wi-fi``)."""
    if category != "tablet":
        return None
    if network or {"cellular", "lte", "sim", "3g", "nanosim", "esim", "dualsim"} & set(words):
        return "cellular"
    return "wifi" if {"wi-fi", "wifi"} & set(words) else None


def _brand(given: Mapping[str, object], words: list[str]) -> str | None:
    if given.get("brand") is not None:
        stated = aliases.fold_spellings(str(given["brand"]).lower().strip())
        return aliases.SERIES_BRAND.get(stated, stated)
    return aliases.brand_of(words)


def _line(words: list[str]) -> str | None:
    """The series a title names (redmi, poco) or, for their brand, the main line; None when
    neither brand nor series is named."""
    for word in words:
        if word in LINES:
            return word
    brand = aliases.brand_of(words)
    return brand if brand in LINES.values() else None


_YEAR_RE = re.compile(r"^\(?20\d\d\)?$")
_CHIP_RE = re.compile(r"^m[1-4]$")  # Apple's chip in a tablet's name is not its model


def model_signature(words: list[str]) -> str | None:
    """What tells one model from its siblings: its numbers (``14t``, ``a15``, ``8.7``), variant
    words (``pro``, ``max``, ``lite`` …) and name words (``note``, ``pad``, ``flip`` …). A single
    letter after a number joins it (``13 c`` = ``13c``). None when there is none: unknown."""
    joined: list[str] = []
    for w in (w.strip("()") for w in words):
        if not w or _CHIP_RE.match(w):
            continue
        if len(w) == 1 and w.isalpha() and joined and joined[-1][-1:].isdigit():
            joined[-1] += w
        else:
            joined.append(w)
    found = {
        w
        for w in joined
        if any(ch.isdigit() for ch in w)
        and not _YEAR_RE.match(w)
        and w not in tokens.NETWORK_TOKENS
        and "gb" not in w
        and "/" not in w
    }
    found |= {w for w in joined if w in typos.VARIANT_WORDS or w in MODEL_WORDS}
    return " ".join(sorted(found)) if found else None


SCHEMA = Schema(
    (
        Field("color", "str", "English or marketing colour name"),
        Field("color_ru", "str", "Russian colour name"),
        Field("ram", "int", "RAM in GB"),
        Field("rom", "int", "storage in GB"),
        Field("network", "str", "4g / 5g (informative)"),
        Field("sim", "str", "SIM kind (informative)"),
        Field("region", "str", "market version (informative)"),
        Field("model", "str", "the model's signature: its numbers, variant and name words"),
        Field("brand", "str", "brand"),
        Field("line", "str", "a series inside a brand: redmi, poco"),
        Field("category", "str", "phone, tablet or accessory"),
        Field("connectivity", "str", "a tablet's wifi or cellular"),
        Field("codes", "multi", "manufacturer part numbers, canonical"),
    )
)


def claims(listing: Normalized) -> bool:
    """A phone or tablet with its memory and a model, or an accessory for a named model."""
    a = listing.attributes
    if a.text("category") == "accessory":
        return "model" in a and "brand" in a
    return "model" in a and ("rom" in a or "ram" in a) and "brand" in a


PROFILE = Profile(
    name="phones",
    version=VERSION,
    schema=SCHEMA,
    read=normalize,
    guards=(
        SizeGuard("ram"),
        SizeGuard("rom"),
        ColorGuard(),
        EqualGuard("model"),
        EqualGuard("brand"),
        EqualGuard("line"),
        EqualGuard("category"),
        EqualGuard("connectivity"),
    ),
    threshold=0.80,
    lexical_weight=0.0,
    blocking=("model",),
    rules=(SoleVariant(key="model", variants=("ram", "rom")),),
    claims=claims,
    description="phones and tablets: memory, colours, models, series, kind",
)
