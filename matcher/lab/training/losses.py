"""The training losses offered by ``matcher train``, by name.

- ``contrastive`` (default, as in the seed): ContrastiveLoss, cosine distance, margin 0.5 — pulls
  matches together and pushes non-matches beyond the margin.
- ``online-contrastive``: OnlineContrastiveLoss — the same, computed only on the hard pairs of each
  batch (positives that are far, negatives that are near).
- ``mnrl``: MultipleNegativesRankingLoss — positives only, every other right-hand text in the batch
  is a negative; a retrieval loss, good for recall@k, weaker for the pair threshold.
"""

from __future__ import annotations

from typing import Any, Literal

LossName = Literal["contrastive", "online-contrastive", "mnrl"]
LOSSES: tuple[LossName, ...] = ("contrastive", "online-contrastive", "mnrl")


def build_loss(name: LossName, model: Any, margin: float = 0.5) -> Any:
    from sentence_transformers.sentence_transformer import losses

    metric = losses.SiameseDistanceMetric.COSINE_DISTANCE
    if name == "contrastive":
        return losses.ContrastiveLoss(model, distance_metric=metric, margin=margin)
    if name == "online-contrastive":
        return losses.OnlineContrastiveLoss(model, distance_metric=metric, margin=margin)
    if name == "mnrl":
        return losses.MultipleNegativesRankingLoss(model)
    raise ValueError(f"unknown loss {name!r}; choose from {', '.join(LOSSES)}")
