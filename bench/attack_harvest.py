"""What a signatory's browser can get, over HTTP only: the red team's harvest.

Logs in through the real form (CSRF token of the login page), then downloads what the
portal serves to that user: the map layers (GeoJSON), the map exports of every indicator
at every map scale and vintage, the EPCI's zone export of every vintage, the finder's
export with every column, and the finder filtered by each commune, IRIS and QPV (which
tells which residence lies in which zone). Nothing is read from the warehouse.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

import requests

from data.catalog import CATALOG

PASSWORD = "atlas-demo-2021"
THEME_SOURCES = {"parc": "RPLS", "occupation": "OPS", "attributions": "SNE"}
MAP_SCALES = ("commune", "iris", "qpv", "residence")
SECRET, OUTSIDE = "s", "hors périmètre"
# value of a cell: a number, SECRET, OUTSIDE, or None when empty (nd)
Value = float | str | None
Key = tuple[str, str, str, int]  # scale, code, indicator_id, year


@dataclass
class Harvest:
    user: str
    zones: dict[str, dict[str, str]] = field(default_factory=dict)  # scale -> code -> name
    residences: dict[str, dict] = field(default_factory=dict)  # id -> geojson properties
    values: dict[Key, Value] = field(default_factory=dict)
    # scale -> code -> residence ids (from the finder filtered by zone)
    members: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    finder: list[dict[str, str]] = field(default_factory=list)
    years: dict[str, list[int]] = field(default_factory=dict)  # theme -> vintages
    requests: Counter = field(default_factory=Counter)  # endpoint family -> requests
    cells: Counter = field(default_factory=Counter)  # endpoint family -> values read
    # the same cell read from two endpoints with different values
    conflicts: list[tuple[Key, Value, Value, str]] = field(default_factory=list)


def login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    answer = session.post(
        f"{base}/login",
        data={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
        timeout=30,
    )
    if "/conditions" in answer.url:  # first login: the user accepts the convention's terms
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answer.text)
        answer = session.post(
            answer.url, data={"csrf_token": token.group(1) if token else "", "accept": "y"}
        )
    if answer.url.rstrip("/") != base.rstrip("/"):
        raise RuntimeError(f"login of {email} ended on {answer.url}")
    return session


def parse_value(text: str) -> Value:
    text = text.strip()
    if text in (SECRET, OUTSIDE):
        return text
    if not text:
        return None
    try:
        return float(text.replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return text


def export_rows(body: str) -> tuple[list[str], list[dict[str, str]]]:
    """The table of an export: the header lines end at the first empty line."""
    lines = body.lstrip("\ufeff").splitlines()
    start = lines.index("") + 1
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=";")
    header = next(reader)
    return header, [dict(zip(header, row, strict=False)) for row in reader]


def vintages(body: str) -> dict[str, list[int]]:
    """The vintages of each theme, from the export's header ("RPLS 2019, 2020; OPS ...")."""
    line = next(x for x in body.splitlines() if x.startswith("Sources et millésimes"))
    years: dict[str, list[int]] = {}
    for theme, source in THEME_SOURCES.items():
        chunk = re.search(rf"{source} ([\d, ]+)", line)
        years[theme] = sorted(int(y) for y in re.findall(r"\d{4}", chunk.group(1))) if chunk else []
    return years


class Harvester:
    def __init__(self, base: str, email: str) -> None:
        self.base = base.rstrip("/")
        self.session = login(self.base, email)
        self.harvest = Harvest(user=email)

    def get(self, family: str, path: str) -> requests.Response:
        self.harvest.requests[family] += 1
        answer = self.session.get(self.base + path, timeout=60)
        answer.raise_for_status()
        return answer

    def record(self, key: Key, value: Value, family: str) -> None:
        known = self.harvest.values.get(key)
        if key in self.harvest.values and not _same(known, value):
            self.harvest.conflicts.append((key, known, value, family))
        if key not in self.harvest.values or known is None:
            self.harvest.values[key] = value
        self.harvest.cells[family] += 1

    def run(self) -> Harvest:
        self.layers()
        self.map_exports()
        self.epci_exports()
        self.finder()
        self.memberships()
        return self.harvest

    def layers(self) -> None:
        for scale in ("commune", "iris", "qpv"):
            features = self.get("geojson", f"/carte/zones/{scale}.geojson").json()["features"]
            self.harvest.zones[scale] = {
                f["properties"]["code"]: f["properties"]["name"] for f in features
            }
            self.harvest.cells["geojson"] += len(features)
        features = self.get("geojson", "/carte/residences.geojson").json()["features"]
        self.harvest.residences = {f["properties"]["code"]: f["properties"] for f in features}
        self.harvest.cells["geojson"] += len(features)

    def map_exports(self) -> None:
        first = self.get("export carte", "/export/carte/commune/parc.dwellings/2024.csv")
        self.harvest.years = vintages(first.text)
        for indicator_id, indicator in CATALOG.items():
            if indicator.theme not in THEME_SOURCES:
                continue
            for scale in MAP_SCALES:
                if scale not in indicator.scales:
                    continue
                for year in self.harvest.years[indicator.theme]:
                    path = f"/export/carte/{scale}/{indicator_id}/{year}.csv"
                    answer = self.session.get(self.base + path, timeout=60)
                    self.harvest.requests["export carte"] += 1
                    if answer.status_code == 404:
                        continue
                    answer.raise_for_status()
                    header, rows = export_rows(answer.text)
                    for row in rows:
                        value = parse_value(row[header[2]])
                        self.record((scale, row["Code"], indicator_id, year), value, "export carte")

    def epci_exports(self) -> None:
        """The EPCI column of a commune's zone export (every vintage), and the commune's
        own column, compared with the map export's value of the same cell."""
        labels = {(ind.theme, ind.label): ind_id for ind_id, ind in CATALOG.items()}
        commune = sorted(self.harvest.zones["commune"])[0]
        themes = {"Parc": "parc", "Occupation": "occupation", "Attributions": "attributions"}
        for code in self.harvest.zones["commune"]:
            for year in self.harvest.years["parc"] + self.harvest.years["occupation"]:
                if code != commune and year != max(self.harvest.years["parc"]):
                    continue
                path = f"/export/zone/commune/{code}.csv?annee={year}"
                header, rows = export_rows(self.get("export zone", path).text)
                for row in rows:
                    theme = themes.get(row["Thème"])
                    indicator_id = labels.get((theme, row["Indicateur"]))
                    if indicator_id is None:
                        continue
                    vintage = int(row["Millésime"])
                    self.record(
                        ("epci", "epci", indicator_id, vintage),
                        parse_value(row[header[-1]]),
                        "export zone",
                    )
                    self.record(
                        ("commune", code, indicator_id, vintage),
                        parse_value(row[header[4]]),
                        "export zone",
                    )

    def finder(self) -> None:
        fields = [
            "name",
            "commune",
            "iris",
            "qpv",
            "qpv_name",
            "landlord",
            "size_class",
            "construction_year",
        ]
        fields += ["secrecy"] + [i.replace(".", "__") for i in CATALOG]
        body = self.get("export résidences", "/export/residences.csv?colonnes=" + ",".join(fields))
        _, self.harvest.finder = export_rows(body.text)
        self.harvest.cells["export résidences"] += sum(len(r) for r in self.harvest.finder)

    def memberships(self) -> None:
        for scale in ("commune", "iris", "qpv"):
            self.harvest.members[scale] = {}
            for code in self.harvest.zones[scale]:
                path = f"/export/residences.csv?colonnes=name&zone={scale}:{code}"
                _, rows = export_rows(self.get("export résidences", path).text)
                self.harvest.members[scale][code] = {row["Identifiant"] for row in rows}


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b
