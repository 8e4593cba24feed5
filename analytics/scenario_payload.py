"""What a scenario stores: one optimiser run and everything computed on it, as one typed, versioned payload.

`ScenarioPayload` is the only shape a scenario's payload has, whoever wrote it (the Optimiser page or
`cli.py optimize --save-as`): the solve's `SelectionResult` (with the hires it chose), the
rank-and-cut-off baseline, the explanations of what was left out, the efficient frontier, the
marginal values and the strategic weights the solve used (`WeightsUsed`, with the weights themselves,
so a pack rebuilt after the weight set is deleted still scores with them).

`to_dict` gives the JSON stored in `scenarios.result`; `from_dict` reads it back, including payloads
written before the version field existed (version 1: marginal values without step or months, a
`weight_set` record with only id and name, or none at all). Readers that still want the plain dict
(reports) read `to_dict()`'s keys, which keep version 1's names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analytics.selection_types import (
    FrontierPoint,
    LeftOut,
    MarginalValue,
    SelectionResult,
    explanations_from_dict,
    explanations_to_dict,
    frontier_from_dict,
    frontier_to_dict,
)

PAYLOAD_VERSION = 2   # 1: the untyped dicts of releases up to 2026-11 (no "version" key)


class PayloadError(ValueError):
    """A stored or offered payload that cannot be read as a `ScenarioPayload` (no result, wrong shapes)."""


@dataclass(frozen=True)
class WeightsUsed:
    """The strategic weights a solve used: the saved set's id and name, how it was made, its CR and weights.

    `weight_set_id` None: the objectives file's weights (no set was active). `weights` empty: not
    recorded (payloads of version 1 saved from the page kept only id and name).
    """

    weight_set_id: int | None
    name: str | None = None
    method: str | None = None
    consistency_ratio: float | None = None
    weights: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"weight_set_id": self.weight_set_id, "name": self.name}
        if self.method is not None or self.weights:
            record |= {"method": self.method, "consistency_ratio": self.consistency_ratio,
                       "weights": {str(k): float(v) for k, v in self.weights.items()}}
        return record

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeightsUsed:
        set_id = data.get("weight_set_id")
        ratio = data.get("consistency_ratio")
        return cls(
            weight_set_id=None if set_id is None else int(set_id),
            name=None if data.get("name") is None else str(data["name"]),
            method=None if data.get("method") is None else str(data["method"]),
            consistency_ratio=None if ratio is None else float(ratio),
            weights={str(k): float(v) for k, v in dict(data.get("weights") or {}).items()},
        )


@dataclass(frozen=True)
class ScenarioPayload:
    """One run as a scenario keeps it (see the module docstring)."""

    result: SelectionResult
    greedy_objective: float | None = None    # the rank-and-cut-off baseline; None: it could not place required work
    greedy_cost: float | None = None
    explanations: tuple[LeftOut, ...] = ()
    frontier: tuple[FrontierPoint, ...] = ()
    marginal_values: tuple[MarginalValue, ...] = ()
    weights: WeightsUsed | None = None       # None: not recorded (version 1 payloads written by the CLI before sets)
    version: int = PAYLOAD_VERSION

    @property
    def weight_set_name(self) -> str | None:
        return None if self.weights is None else self.weights.name

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": PAYLOAD_VERSION,
            "result": self.result.to_dict(),
            "greedy_objective": self.greedy_objective,
            "greedy_cost": self.greedy_cost,
            "explanations": explanations_to_dict(self.explanations),
            "frontier": frontier_to_dict(self.frontier),
            "marginal_values": [m.to_dict() for m in self.marginal_values],
        }
        if self.weights is not None:
            data["weight_set"] = self.weights.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScenarioPayload:
        """Read a stored payload of any version; raises `PayloadError` when it holds no readable result."""
        if not isinstance(data, Mapping) or not isinstance(data.get("result"), Mapping):
            raise PayloadError("payload has no result")
        try:
            weights = data.get("weight_set")
            return cls(
                result=SelectionResult.from_dict(data["result"]),
                greedy_objective=_number(data.get("greedy_objective")),
                greedy_cost=_number(data.get("greedy_cost")),
                explanations=explanations_from_dict(list(data.get("explanations") or [])),
                frontier=frontier_from_dict(list(data.get("frontier") or [])),
                marginal_values=tuple(MarginalValue.from_dict(m) for m in data.get("marginal_values") or []),
                weights=WeightsUsed.from_dict(weights) if isinstance(weights, Mapping) else None,
                version=int(data.get("version", 1)),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise PayloadError(f"payload is not a scenario payload: {e}") from e


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
