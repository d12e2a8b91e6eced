"""Scores and features of labelled pairs, exactly as the service computes them for an offer.

Used by ``matcher train`` (to calibrate the threshold and fit the learned decision) and by
``matcher eval --pairs`` (to report both), so what is measured is what is served: the pairs are
scored by the service's own :class:`~matcher.decision.Decider` (its scorer and its profile's
reading of attributes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from matcher import profiles
from matcher.catalog.lexical import Lexicon, pair_scores
from matcher.decision import Decider, DecisionConfig
from matcher.decision.classifier import FEATURES, fit, pair_features
from matcher.encoding import Encoder
from matcher.lab import metrics
from matcher.lab.pairs import Pairs


def cosines(encoder: Encoder, pairs: Pairs) -> np.ndarray:
    """Cosine of each pair, embedding every distinct text once."""
    texts = list(dict.fromkeys(pairs.left + pairs.right))
    pos = {t: i for i, t in enumerate(texts)}
    vecs = encoder.encode(texts, progress=True)
    left = vecs[[pos[t] for t in pairs.left]]
    right = vecs[[pos[t] for t in pairs.right]]
    return np.asarray((left * right).sum(axis=1), dtype=np.float64)


def lexical(pairs: Pairs) -> np.ndarray:
    """Character n-gram TF-IDF cosine of each pair, weighted over the texts of these pairs."""
    texts = list(dict.fromkeys(pairs.left + pairs.right))
    pos = {t: i for i, t in enumerate(texts)}
    rows = Lexicon.fit(texts).transform(texts)
    left = np.array([pos[t] for t in pairs.left], dtype=np.int64)
    right = np.array([pos[t] for t in pairs.right], dtype=np.int64)
    return pair_scores(rows, rows, left, right).astype(np.float64)


@dataclass(frozen=True)
class Scored:
    """A split's hybrid scores, their parts, and the learned decision's features."""

    score: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    features: np.ndarray
    labels: list[float]


def score(encoder: Encoder, pairs: Pairs, decider: Decider) -> Scored:
    """Every pair scored as the service scores an offer against a catalog item."""
    dense = cosines(encoder, pairs)
    lex = lexical(pairs) if decider.scorer.uses_lexical else np.zeros(len(pairs))
    fused = decider.scorer.combine(dense, lex).astype(np.float64)
    read = profiles.get(str(decider.config.profile)).read
    attrs = {t: read(t, None).attributes for t in set(pairs.left + pairs.right)}
    rows = (
        np.vstack(
            [
                pair_features(s, lx, a, b, attrs[a], attrs[b])
                for s, lx, a, b in zip(fused, lex, pairs.left, pairs.right, strict=True)
            ]
        )
        if len(pairs)
        else np.zeros((0, len(FEATURES)))
    )
    return Scored(fused, dense, lex, rows, list(pairs.labels))


def fit_decision(
    encoder: Encoder,
    train: Pairs,
    valid: Pairs,
    decider: Decider,
    keep_learned: bool = False,
) -> tuple[DecisionConfig, dict[str, dict[str, float]]]:
    """The decision for ``encoder``: the score threshold with the best F1 on valid, and the
    learned decision fitted on train with its probability threshold chosen on valid, kept where
    it beats the threshold on valid (or ``keep_learned``); with their valid metrics."""
    config = decider.config
    tr, va = score(encoder, train, decider), score(encoder, valid, decider)
    cut = metrics.best_threshold(va.score, va.labels)
    model = fit(tr.features, tr.labels)
    probs = model.probabilities(va.features)
    p_cut = metrics.best_threshold(probs, va.labels)
    model = replace(model, threshold=round(float(p_cut), 6))
    report = {
        "threshold": metrics.at_threshold(va.score, va.labels, cut).as_dict(),
        "learned": metrics.at_threshold(probs, va.labels, p_cut).as_dict(),
    }
    learned_wins = report["learned"]["f1"] > report["threshold"]["f1"]
    defaults = profiles.get(str(config.profile)).guard_names()
    decided = replace(
        config,
        guards=None if config.guards == defaults else config.guards,
        threshold=round(float(cut), 6),
        classifier=model.to_dict() if learned_wins or keep_learned else None,
    )
    return decided, report
