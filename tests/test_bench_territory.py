"""bench.territory: each step's CPU from a stamped build output, a failure kept."""

from __future__ import annotations

import pytest

from bench.territory import Step, stamped_steps

OUTPUT = """0.400|start
0.410|build raw -> out (dep:59, secret threshold 11)
4.500|  read                4.20 s
4.600|  zones               0.10 s
Running HiGHS 1.16.0
5.000|    2835 résidences : 2835 dans leur IRIS déclaré
7.100|  residences          2.60 s
9.000|ERROR audit des parts : commune:59271 sans protection
"""


def test_each_step_costs_the_cpu_since_the_step_before() -> None:
    steps, failure = stamped_steps(OUTPUT)
    assert [step.name for step in steps] == ["read", "zones", "residences"]
    assert steps[0] == Step("read", 4.2, pytest.approx(4.1))
    assert steps[2].cpu_seconds == pytest.approx(2.5)  # detail lines do not end a step
    assert failure == "audit des parts : commune:59271 sans protection"


def test_a_finished_build_has_no_failure_and_no_total_step() -> None:
    steps, failure = stamped_steps("0.1|start\n1.1|  read  1.00 s\n9.0|  total  8.00 s  (x)\n")
    assert [step.name for step in steps] == ["read"] and failure == ""
