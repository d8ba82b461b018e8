"""Known noise for tests of counts released with noise (`privacy.releases`).

The suite draws with `ExactSampler` unless a test asks for OpenDP's (`opendp_noise`): a noisy
count is then its true count, and a key passes partition selection when its true count reaches
the threshold, so a test can say which numbers a page shows. `ShiftSampler` adds a known amount,
to tell a noisy answer from the true one."""

from __future__ import annotations

from collections.abc import Sequence


class ExactSampler:
    """No noise: each count as it is; keys whose count reaches the threshold."""

    def __init__(self):
        self.draws: list[tuple[str, float]] = []  # (kind, scale) of every draw, for tests

    def laplace(self, counts: Sequence[int], scale: float) -> list[int]:
        self.draws.append(("laplace", scale))
        return list(counts)

    def above_threshold(self, counts: dict[str, int], scale: float, threshold: int) -> dict:
        self.draws.append(("threshold", scale))
        return {key: n for key, n in counts.items() if n >= threshold}


class ShiftSampler(ExactSampler):
    """Every count plus `shift` (before the threshold is applied)."""

    def __init__(self, shift: int):
        super().__init__()
        self.shift = shift

    def laplace(self, counts: Sequence[int], scale: float) -> list[int]:
        return super().laplace([n + self.shift for n in counts], scale)

    def above_threshold(self, counts: dict[str, int], scale: float, threshold: int) -> dict:
        shifted = {key: n + self.shift for key, n in counts.items()}
        return super().above_threshold(shifted, scale, threshold)
