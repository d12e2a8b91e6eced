"""A profile: the single home of one domain's rules.

Everything the matcher knows about a kind of listing lives in its profile — how titles are read
(the normalizer), which attributes exist (the schema, hence the catalog's columns), which of
them rule a candidate out (guards), which are searched exactly on a large catalog (blocking),
what text is embedded, its special rules (:mod:`matcher.decision.rules`), its default threshold
and lexical weight, and how it recognises a catalog of its kind (for ``MATCHER_PROFILE=auto``).
Generic code asks the profile; adding one is one module and one registry line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from matcher.decision.guards import Guard
from matcher.decision.rules import Rule
from matcher.normalize import Normalized, Schema
from matcher.normalize.brands import Brands, discover
from matcher.normalize.lines import Lines, for_offer

Reader = Callable[[str, Mapping[str, object] | None], Normalized]


@dataclass(frozen=True)
class Profile:
    """One domain: its normalizer, attributes, guards, blocking keys, rules and defaults."""

    name: str
    version: str  # of the normalizer: part of what the catalog's vectors embed
    schema: Schema
    read: Reader
    guards: tuple[Guard, ...]
    threshold: float  # on the hybrid score, for a model with no calibrated decision
    lexical_weight: float  # share of the character n-gram cosine in the score
    # scores this close to the threshold (and other unsure cases) go to a person; 0: none
    review_band: float = 0.03
    # Guards that read free text and can be wrong (a colour typo, a name read as a colour): when
    # one of them alone rules out the model's sure first choice, a person decides. Conflicts of
    # the other guards (amounts, sizes, memory, model codes) are no_match without review.
    unsure_guards: tuple[str, ...] = ("color",)
    blocking: tuple[str, ...] = ()  # categorical attributes searched exactly on an ANN catalog
    rules: tuple[Rule, ...] = ()
    # Brands the catalog states are looked for in titles that state none (attribute "brand").
    catalog_brands: bool = False
    # Line names are learned from the catalog (attributes "names", "latin"; matcher.normalize.lines)
    line_names: bool = False
    # Which listings are of this domain (auto-detection); None: the fallback profile.
    claims: Callable[[Normalized], bool] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        missing = [f for g in self.guards for f in g.fields if f not in self.schema]
        missing += [f for f in self.blocking if f not in self.schema]
        if missing:
            raise ValueError(f"profile {self.name}: {missing} are not in its schema")

    @property
    def tag(self) -> str:
        """Name and normalizer version, as results name it (``phones7``)."""
        return f"{self.name}{self.version}"

    def normalize(self, title: str, attributes: Mapping[str, object] | None = None) -> Normalized:
        """A title and the sender's attributes, read by this profile."""
        return self.read(title, attributes)

    def guard_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.guards)

    def select(self, names: Sequence[str] | None) -> tuple[Guard, ...]:
        """The guards named (None: all of them; empty: none)."""
        if names is None:
            return self.guards
        unknown = [n for n in names if n not in self.guard_names()]
        if unknown:
            raise ValueError(
                f"profile {self.name} has no guards {unknown}; it has {', '.join(self.guard_names())}"
            )
        return tuple(g for g in self.guards if g.name in names)

    def with_catalog_brands(
        self, norms: Sequence[Normalized], titles: Sequence[str]
    ) -> list[Normalized]:
        """Catalog items that state no brand get the one their title names among those the other
        items state (profiles that read catalog brands; others: unchanged)."""
        if not self.catalog_brands:
            return list(norms)
        stated = [b for n in norms if (b := n.attributes.text("brand"))]
        known = Brands([*stated, *discover(titles)])  # names written as brands, if none stated
        if not known:
            return list(norms)
        return [
            n
            if n.attributes.text("brand")
            else Normalized(n.title, n.attributes.replace(brand=known.find(t)), n.text)
            for n, t in zip(norms, titles, strict=True)
        ]

    def complete(
        self, offer: Normalized, title: str, brands: Brands, lines: Lines | None
    ) -> Normalized:
        """An offer with what the catalog teaches: the catalog brand its title names (when it
        states none), its line names (and the ones it excludes), and the catalog's names its
        words stand for added to its text."""
        attrs, text = offer.attributes, offer.text
        if self.catalog_brands and not attrs.text("brand") and brands:
            found = brands.find(title)
            attrs = attrs.replace(brand=found) if found else attrs
        if self.line_names and lines is not None:
            text, attrs = for_offer(text, attrs, lines, title)
        return Normalized(offer.title, attrs, text)
