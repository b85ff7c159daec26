"""The map's default palettes read by colour-blind users and in greyscale print, and the
texts over them readable (WCAG 2.1 AA contrast).

Colour vision deficiencies are simulated with the matrices of Machado, Oliveira &
Fernandes (2009, severity 1.0) on linear RGB; distinguishability is the CIE76 distance in
CIELAB between the simulated colours of adjacent classes.
"""

from __future__ import annotations

import itertools

import pytest

from layouts.figures_panel import EPCI_COLOR, ZONE_COLORS
from layouts.palettes import MAX_CLASSES, categorical, sequential

Matrix = tuple[tuple[float, float, float], ...]
SIMULATIONS: dict[str, Matrix] = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
# Adjacent classes must stay apart once simulated (a just-noticeable difference is ~2.3;
# map classes need more), and in greyscale print their lightness must step.
MIN_CLASS_DISTANCE = 8.0
MIN_GREY_STEP = 4.0


def linear(hex_color: str) -> tuple[float, float, float]:
    channels = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def simulate(rgb: tuple[float, float, float], matrix: Matrix) -> tuple[float, float, float]:
    return tuple(
        min(max(sum(m * c for m, c in zip(row, rgb, strict=True)), 0), 1) for row in matrix
    )


def lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def distance(a: str, b: str, matrix: Matrix) -> float:
    la, lb = lab(simulate(linear(a), matrix)), lab(simulate(linear(b), matrix))
    return sum((x - y) ** 2 for x, y in zip(la, lb, strict=True)) ** 0.5


def luminance(hex_color: str) -> float:
    r, g, b = linear(hex_color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


PALETTES = {f"sequential-{k}": sequential(k) for k in range(2, MAX_CLASSES + 1)} | {
    "categories-2": categorical(2),
    "categories-3": categorical(3),
}


@pytest.mark.parametrize("vision", SIMULATIONS)
@pytest.mark.parametrize("name", PALETTES)
def test_adjacent_classes_stay_distinct_for_colour_blind_readers(name: str, vision: str) -> None:
    colors = PALETTES[name]
    gaps = [distance(a, b, SIMULATIONS[vision]) for a, b in itertools.pairwise(colors)]
    assert min(gaps) >= MIN_CLASS_DISTANCE, f"{name} under {vision}: {gaps}"


@pytest.mark.parametrize("name", PALETTES)
def test_classes_step_in_greyscale_print(name: str) -> None:
    lightness = [lab(linear(color))[0] for color in PALETTES[name]]
    steps = [a - b for a, b in itertools.pairwise(lightness)]
    assert all(step >= MIN_GREY_STEP for step in steps), f"{name}: L* {lightness}"


def test_the_chart_colours_of_the_zones_stay_distinct_for_colour_blind_readers() -> None:
    colors = [*ZONE_COLORS[:4], EPCI_COLOR]  # at most four pinned zones and the EPCI
    for vision, matrix in SIMULATIONS.items():
        gaps = [distance(a, b, matrix) for i, a in enumerate(colors) for b in colors[i + 1 :]]
        assert min(gaps) >= MIN_CLASS_DISTANCE, f"{vision}: {gaps}"


@pytest.mark.parametrize(
    ("foreground", "background", "where"),
    [
        ("#0a58ca", "#f6f8fa", "scale buttons and definition links on the controls bar"),
        ("#57606a", "#ffffff", "legend counts and summary"),
        ("#146c43", "#f8f9fa", "terms accepted notice"),
        ("#565e64", "#f8f9fa", "audit CSV button"),
        ("#24292f", "#ffffff", "map table headers"),
    ],
)
def test_text_contrast_is_at_least_4_5(foreground: str, background: str, where: str) -> None:
    assert contrast(foreground, background) >= 4.5, where
