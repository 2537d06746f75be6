"""Training-outcome statistics: intervals, learning gains, effect sizes, transfer of training.

Cooperation programmes train officials and report that they "apply what they learned".
This module gives evaluators the standard statistics, each named for what it computes, so
that such a claim comes with its numbers: ``k`` verified applying among ``n`` followed up,
the interval, the follow-up rate among those trained, how application was verified, and
the attrition beside any learning gain.

- Intervals for a proportion: [`proportion_interval`][narcometrics.training.proportion_interval]
  and [`wilson_interval`][narcometrics.training.wilson_interval] (Wilson, Clopper-Pearson,
  Jeffreys), vectorised.
- Pre/post scores: [`learning_gain`][narcometrics.training.learning_gain] (raw, Hake,
  average of individual gains, attrition),
  [`paired_effect_size`][narcometrics.training.paired_effect_size] (``d_z``, ``d_av``,
  ``g_z``, ``g_av`` with intervals), [`hedges_correction`][narcometrics.training.hedges_correction].
- Records (any iterable of [`TrainingOutcome`][narcometrics.records.TrainingOutcome], such
  as a TrainingTable): [`transfer_rate`][narcometrics.training.transfer_rate],
  [`training_summary`][narcometrics.training.training_summary],
  [`pooled_learning_gain`][narcometrics.training.pooled_learning_gain],
  [`pooled_scores`][narcometrics.training.pooled_scores], grouped ``by`` institution,
  course or year.

Everything is pure; the special functions and distributions are scipy's
(``scipy.special``, ``scipy.stats``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narcometrics._lazy import reexport

if TYPE_CHECKING:  # what type checkers and the docs see; imported on first use
    from narcometrics.training._intervals import (
        INTERVAL_METHODS,
        proportion_interval,
        wilson_interval,
    )
    from narcometrics.training._records import (
        GROUP_FIELDS,
        pooled_learning_gain,
        pooled_scores,
        training_summary,
        transfer_rate,
    )
    from narcometrics.training._results import (
        EffectSize,
        GainResult,
        GroupKey,
        ScorePairs,
        TrainingSummary,
        TransferRate,
    )
    from narcometrics.training._scores import (
        EFFECT_SIZE_INTERVALS,
        EFFECT_SIZE_VARIANTS,
        hedges_correction,
        learning_gain,
        paired_effect_size,
    )
else:
    __getattr__, __dir__ = reexport(
        __name__,
        {
            "narcometrics.training._intervals": (
                "INTERVAL_METHODS",
                "proportion_interval",
                "wilson_interval",
            ),
            "narcometrics.training._records": (
                "GROUP_FIELDS",
                "pooled_learning_gain",
                "pooled_scores",
                "training_summary",
                "transfer_rate",
            ),
            "narcometrics.training._results": (
                "EffectSize",
                "GainResult",
                "GroupKey",
                "ScorePairs",
                "TrainingSummary",
                "TransferRate",
            ),
            "narcometrics.training._scores": (
                "EFFECT_SIZE_INTERVALS",
                "EFFECT_SIZE_VARIANTS",
                "hedges_correction",
                "learning_gain",
                "paired_effect_size",
            ),
        },
    )

__all__ = [
    "EFFECT_SIZE_INTERVALS",
    "EFFECT_SIZE_VARIANTS",
    "GROUP_FIELDS",
    "INTERVAL_METHODS",
    "EffectSize",
    "GainResult",
    "GroupKey",
    "ScorePairs",
    "TrainingSummary",
    "TransferRate",
    "hedges_correction",
    "learning_gain",
    "paired_effect_size",
    "pooled_learning_gain",
    "pooled_scores",
    "proportion_interval",
    "training_summary",
    "transfer_rate",
    "wilson_interval",
]
