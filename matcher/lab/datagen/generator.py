"""A deterministic synthetic market: a catalog, noisy supplier offers and labelled pairs.

Offers carry the noise real price lists have (dropped brand or series, reordered tokens, other
memory formats, English-only colours, typos, marketing words, missing RAM), and include offers for
products the catalog does not have (expected ``no_match``), among them hard negatives: a model the
catalog lists, in a memory or colour it does not list.

The generator shares no code with the matcher: what a title states, and whether that fits
another listed variant (an ambiguous offer, which is redrawn), follow from what the generator
itself wrote, by its own rules below — never from the normalizer or the guards it is used to judge.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from matcher.lab.datagen.domain import (
    ANDROID_MEMORY,
    APPLE_COLORS,
    APPLE_MEMORY,
    COLORS,
    SIM_MARKS,
    Family,
    families,
)

SPLITS = ("train", "valid", "test")


@dataclass(frozen=True)
class Product:
    """One sellable variant, whether or not the catalog lists it."""

    family: str
    prefix: str  # brand + series
    model: str
    ram: int | None
    rom: int
    color_ru: str
    color_en: str
    sim: str = ""
    apple: bool = False
    network: str = ""

    @property
    def catalog_title(self) -> str:
        mem = f"{self.rom}gb" if self.ram is None else f"{self.ram}/{self.rom}gb"
        if self.rom >= 1024 and self.ram is None:
            mem = f"{self.rom // 1024}tb"
        title = f"{self.prefix} {self.model} {mem} {self.color_ru} ({self.color_en})"
        return f"{title} {self.sim}".strip()

    def attributes(self) -> dict[str, object]:
        return {"color": self.color_en, "ram": self.ram, "rom": f"{self.rom}gb"}


@dataclass
class Market:
    """Everything the generator produces for one seed."""

    catalog: dict[str, Product] = field(default_factory=dict)  # catalog_id -> product
    offers: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # split -> offers
    pairs: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)
    split_of_family: dict[str, str] = field(default_factory=dict)


def _variants(fam: Family, model: str, rng: random.Random) -> list[Product]:
    """All variants a model is made in (more than the catalog will list)."""
    out = []
    mems: list[tuple[int | None, int]]
    if fam.apple:
        mems = [(None, r) for r in rng.sample(APPLE_MEMORY, 3)]
        colors = rng.sample(APPLE_COLORS, 4)
    else:
        start = rng.randrange(0, len(ANDROID_MEMORY) - 4)
        mems = list(ANDROID_MEMORY[start : start + 4])
        colors = _distinct_colors(rng)
    sim = rng.choice(SIM_MARKS) if fam.apple and "iphone" in fam.series else ""
    for ram, rom in mems:
        for ru, en in colors:
            out.append(
                Product(fam.key, fam.prefix, model, ram, rom, ru, en, sim, fam.apple, fam.network)
            )
    return out


def _nested(a: str, b: str) -> bool:
    """Whether one English colour name's words contain the other's (``green``, ``lemon green``)."""
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def _distinct_colors(rng: random.Random, n: int = 4) -> list[tuple[str, str]]:
    """Colours that a buyer can tell apart: no name inside another, no shared Russian name."""
    picked: list[tuple[str, str]] = []
    for ru, en in rng.sample(COLORS, len(COLORS)):
        if all(not _nested(en, other) and _fold(ru) != _fold(r) for r, other in picked):
            picked.append((ru, en))
        if len(picked) == n:
            break
    return picked


def build_market(seed: int = 42, unlisted_share: float = 0.12) -> Market:
    """The catalog and the per-split offers and pairs for ``seed``."""
    rng = random.Random(seed)
    market = Market()
    fams = families()
    order = list(range(len(fams)))
    rng.shuffle(order)
    for rank, i in enumerate(order):
        share = rank / len(order)
        market.split_of_family[fams[i].key] = (
            "train" if share < 0.6 else "valid" if share < 0.75 else "test"
        )
    listed: list[Product] = []
    unlisted: list[Product] = []
    for fam in fams:
        unlisted_model = rng.random() < unlisted_share and len(fam.models) > 1
        for j, model in enumerate(fam.models):
            variants = _variants(fam, model, rng)
            if unlisted_model and j == len(fam.models) - 1:
                unlisted += variants  # a model the catalog does not carry at all
                continue
            rng.shuffle(variants)
            keep = len(variants) - max(1, len(variants) // 6)
            listed += variants[:keep]
            unlisted += variants[keep:]  # hard negatives: listed model, unlisted variant
    for n, product in enumerate(listed):
        market.catalog[f"sku-{n:05d}"] = product
    by_product = {p: cid for cid, p in market.catalog.items()}
    for split in SPLITS:
        market.offers[split] = []
        market.pairs[split] = []
    _make_offers(market, listed, unlisted, by_product, rng)
    _make_pairs(market, rng)
    return market


@dataclass(frozen=True)
class Written:
    """A supplier's title and what it states: RAM or not, and how the colour was written."""

    title: str
    ram_stated: bool
    color: str  # "en" full English name, "base" its last word, "ru" the Russian name


def _fold(word: str) -> str:
    return word.replace("ё", "е")


def _fits(written: Written, stated_by: Product, other: Product) -> bool:
    """Whether ``other`` also fits everything ``written`` states about ``stated_by``."""
    if other.rom != stated_by.rom:
        return False
    if written.ram_stated and other.ram != stated_by.ram:
        return False
    if written.color == "en":
        return other.color_en == stated_by.color_en
    if written.color == "base":
        return stated_by.color_en.split()[-1] in other.color_en.split()
    return _fold(other.color_ru) == _fold(stated_by.color_ru)


def _make_offers(
    market: Market,
    listed: list[Product],
    unlisted: list[Product],
    by_product: dict[Product, str],
    rng: random.Random,
) -> None:
    same_model: dict[tuple[str, str], list[Product]] = {}
    for p in by_product:
        same_model.setdefault((p.prefix, p.model), []).append(p)

    def ambiguous(written: Written, product: Product) -> bool:
        """Whether the title fits a listed variant other than the answer (dropped RAM, shade …)."""
        return any(
            other != product and _fits(written, product, other)
            for other in same_model.get((product.prefix, product.model), [])
        )

    todo = [(p, by_product[p]) for p in listed] + [(p, None) for p in unlisted]
    for n, (product, expected) in enumerate(todo):
        split = market.split_of_family[product.family]
        written = write_title(product, rng)
        for _ in range(8):  # the answer must follow from what the title says
            if not ambiguous(written, product):
                break
            written = write_title(product, rng)
        else:
            continue
        offer = {
            "offer_id": f"off-{n:06d}",
            "supplier_id": f"sup-{rng.randrange(1, 40):03d}",
            "title": written.title,
            "price": round(rng.uniform(5000, 150000), -1),
            "currency": "RUB",
            "expected_catalog_id": expected,
            "family": product.family,
            "model": f"{product.prefix} {product.model}",
            "stated": {
                "color": _stated_color(written, product),
                "ram": product.ram if written.ram_stated else None,
                "rom": product.rom,
            },
        }
        market.offers[split].append(offer)
    for split in SPLITS:
        rng.shuffle(market.offers[split])


def _stated_color(written: Written, product: Product) -> str:
    if written.color == "en":
        return product.color_en
    if written.color == "base":
        return product.color_en.split()[-1]
    return product.color_ru


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _memory(product: Product, rng: random.Random) -> tuple[str, bool]:
    """The memory as written, and whether it states the RAM."""
    ram, rom = product.ram, product.rom
    rom_s = f"{rom // 1024}tb" if rom >= 1024 and rng.random() < 0.7 else f"{rom}gb"
    if ram is None or rng.random() < 0.12:  # missing RAM
        return rng.choice([rom_s, rom_s.replace("gb", "гб"), rom_s.upper()]), False
    return rng.choice(
        [
            f"{ram}/{rom_s}",
            f"{ram}+{rom}",
            f"{ram}gb {rom_s}",
            f"{ram}/{rom}",
            f"{ram}GB/{rom}GB",
            f"{ram}/{rom}гб",
        ]
    ), True


def _short_name(product: Product, rng: random.Random) -> str:
    """How a supplier names the model: the series or brand is often dropped or aliased."""
    prefix, model = product.prefix, product.model
    r = rng.random()
    if prefix == "xiaomi redmi":
        return rng.choice(
            [
                f"redmi {model}",
                model if model.startswith("note") else f"redmi {model}",
                f"xiaomi redmi {model}",
            ]
        )
    if prefix == "xiaomi poco":
        return rng.choice([f"poco {model}", f"xiaomi poco {model}"])
    if prefix == "xiaomi":
        return rng.choice([f"mi {model}", f"xiaomi {model}"])
    if prefix == "samsung galaxy":
        return rng.choice([f"samsung {model}", f"galaxy {model}", f"samsung galaxy {model}"])
    if prefix in ("apple iphone", "apple ipad", "google pixel"):
        series = prefix.split()[1]
        return f"{series} {model}" if r < 0.8 else f"{prefix} {model}"
    return f"{prefix} {model}"


def _color(product: Product, rng: random.Random) -> tuple[str, str]:
    """The colour as written, and how (``en``, ``base`` or ``ru``; see :class:`Written`)."""
    en = product.color_en
    r = rng.random()
    if r < 0.45:
        return f"({en})", "en"
    if r < 0.65:
        return en, "en"
    if r < 0.8 and " " in en and "titanium" not in en and en not in ("space gray", "midnight"):
        return f"({en.split()[-1]})", "base"  # the shade dropped: "green" for "lemon green"
    if r < 0.9:
        return product.color_ru, "ru"
    return en.replace("gray", "grey").upper(), "en"


def write_title(product: Product, rng: random.Random) -> Written:
    """A supplier's way of writing the product, and what that title states."""
    name = _short_name(product, rng)
    if product.network and rng.random() < 0.4:
        name = f"{name} {product.network}"
    memory, ram_stated = _memory(product, rng)
    color, color_kind = _color(product, rng)
    parts = [name, memory, color]
    if product.sim and rng.random() < 0.7:
        parts.append(
            product.sim.replace(
                "nano sim + esim", rng.choice(["nano sim + esim", "nano-sim+esim", "sim+esim"])
            )
        )
    if rng.random() < 0.25:
        i, j = 1, 2
        parts[i], parts[j] = parts[j], parts[i]
    if rng.random() < 0.2:
        parts.insert(
            rng.choice([0, len(parts)]),
            rng.choice(["new", "оригинал", "!!!", "в наличии", "EAC", "ростест", "global version"]),
        )
    words = " ".join(parts).split()
    if rng.random() < 0.2:
        k = rng.randrange(len(words))
        words[k] = _typo(words[k], rng)
    title = " ".join(words)
    return Written(title.title() if rng.random() < 0.15 else title, ram_stated, color_kind)


def seed_text(title: str, color: str | None, ram: int | None, rom: int | None) -> str:
    """A pair sentence in the seed's format: ``title | color: X, ram: R, rom: Sgb``."""
    return (
        f"{title} | color: {color or 'nan'}, ram: {ram if ram is not None else 'nan'}, "
        f"rom: {f'{rom}gb' if rom is not None else 'nan'}"
    )


def _model_number(model: str) -> str:
    """The number a model is known by (``14`` of ``redmi note 14 pro``, ``a15`` of ``galaxy a15 s``)."""
    return next((w for w in model.split() if any(ch.isdigit() for ch in w)), model)


def _make_pairs(market: Market, rng: random.Random) -> None:
    """Seed-shaped pairs: (offer text, catalog text, label) with hard negatives of three kinds.

    Per offer: the positive (when listed); one other variant of the same model (memory or colour);
    up to two other models of the family (``note 14`` vs ``note 14 pro``); one look-alike of another
    brand with the same model number (``oneplus 12`` vs ``realme 12``); one random item. All from
    the offer's own split. Texts carry what each side states, as the seed's pairs do.
    """
    by_model: dict[str, list[str]] = {}
    by_family: dict[str, list[str]] = {}
    by_number: dict[tuple[str, str], list[str]] = {}
    split_ids: dict[str, list[str]] = {s: [] for s in SPLITS}
    text: dict[str, str] = {}
    for cid, p in market.catalog.items():
        split = market.split_of_family[p.family]
        by_model.setdefault(f"{p.prefix} {p.model}", []).append(cid)
        by_family.setdefault(p.family, []).append(cid)
        by_number.setdefault((split, _model_number(f"{p.prefix} {p.model}")), []).append(cid)
        split_ids[split].append(cid)
        text[cid] = seed_text(p.catalog_title, p.color_en, p.ram, p.rom)

    def pick(pool: list[str], n: int) -> list[str]:
        return rng.sample(pool, min(n, len(pool)))

    for split in SPLITS:
        for offer in market.offers[split]:
            stated = offer["stated"]
            assert isinstance(stated, dict)
            left = seed_text(str(offer["title"]), stated["color"], stated["ram"], stated["rom"])
            expected = offer["expected_catalog_id"]
            model = str(offer["model"])
            if isinstance(expected, str):
                market.pairs[split].append((left, text[expected], 1.0))
            variants = [c for c in by_model.get(model, []) if c != expected]
            family = [
                c
                for c in by_family.get(str(offer["family"]), [])
                if c not in variants and c != expected
            ]
            twins = [
                c
                for c in by_number.get((split, _model_number(model)), [])
                if market.catalog[c].family != offer["family"]
            ]
            negatives = (
                pick(variants, 1) + pick(family, 2) + pick(twins, 1) + pick(split_ids[split], 1)
            )
            for cid in dict.fromkeys(negatives):
                if cid != expected:
                    market.pairs[split].append((left, text[cid], 0.0))
        rng.shuffle(market.pairs[split])


def write(market: Market, out_dir: str | Path) -> dict[str, int]:
    """Write ``catalog.jsonl``, ``offers_{split}.jsonl`` and ``pairs_{split}.csv``; return counts."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with (out / "catalog.jsonl").open("w", encoding="utf-8") as fh:
        for cid, p in market.catalog.items():
            row = {"catalog_id": cid, "title": p.catalog_title, "attributes": p.attributes()}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts["catalog"] = len(market.catalog)
    for split in SPLITS:
        with (out / f"offers_{split}.jsonl").open("w", encoding="utf-8") as fh:
            for offer in market.offers[split]:
                fh.write(json.dumps(offer, ensure_ascii=False) + "\n")
        with (out / f"pairs_{split}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["sentence_0", "sentence_1", "label"])
            w.writerows(market.pairs[split])
        counts[f"offers_{split}"] = len(market.offers[split])
        counts[f"pairs_{split}"] = len(market.pairs[split])
    return counts
