"""The build's garbage collection: fewer young collections, finished steps frozen, and
everything as it was once the build ends (even when it fails)."""

from __future__ import annotations

import gc

import pytest

from data.pipeline import heap
from data.pipeline.build import Clock


def test_a_build_collects_less_often_and_unfreezes_everything_at_its_end() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), heap.long_lived(young=12_345):
        assert gc.get_threshold()[0] == 12_345
        made = [[] for _ in range(100)]
        heap.keep()
        assert gc.get_freeze_count() >= len(made)
        raise RuntimeError("a failed build")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_each_step_starts_with_the_clock_s_hook() -> None:
    started: list[str] = []
    clock = Clock(lambda _: None, on_step=lambda: started.append("step"))
    with clock.step("secrecy"):
        assert started == ["step"]
    with clock.step("audit"):
        pass
    assert started == ["step", "step"]
