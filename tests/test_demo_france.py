"""The demo at France size: the largest cities and the communes without inhabitants."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import shapely

from data.demo.geography import _name_cells
from data.demo.stock import _iris_targets


def test_a_city_of_hundreds_of_iris_numbers_each_with_four_digits() -> None:
    cells = [
        shapely.box(x * 100, y * 100, x * 100 + 90, y * 100 + 90)
        for x in range(30)
        for y in range(15)
    ]
    no_known_quarter = pd.DataFrame({"commune": [], "name": [], "x": [], "y": []})
    numbers, _ = _name_cells("13055", "Marseille", cells, no_known_quarter)
    assert all(re.fullmatch(r"[0-9]{4}", number) for number in numbers)
    assert len(set(numbers)) == len(cells) == 450


def test_a_commune_without_inhabitants_holds_no_social_dwelling() -> None:
    iris = pd.DataFrame(
        {
            "INSEE_COM": ["55039", "59350", "59350"],
            "population": [0, 1000, 3000],
            "p": [0.1, 0.2, 0.8],
            "qpv": ["", "", "QN05901M"],
            "TYP_IRIS": ["Z", "H", "H"],
        }
    )
    targets = _iris_targets(iris, pd.Series({"55039": 0.0, "59350": 500.0}))
    assert targets[0] == 0.0 and np.isclose(targets[1:].sum(), 500.0)
