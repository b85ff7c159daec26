"""The territory a build covers: one EPCI, a département, a region or the whole of France.

It is named once, as text (`epci:200093201`, `dep:59`, `reg:32`, `fr`), on the command
line of the reference extract, the demo generator and the pipeline. The demo records it
in the raw directory (`territory.json`) and the pipeline in the manifest, so neither the
build nor the app needs a second setting.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

RECORD_FILE = "territory.json"
KINDS = ("epci", "dep", "reg", "fr")
CODE_PATTERNS = {
    "epci": re.compile(r"\d{9}"),
    "dep": re.compile(r"\d{2}|2[AB]|97\d"),
    "reg": re.compile(r"\d{2}"),
}
EXAMPLES = "epci:200093201, dep:59, reg:32 ou fr"


class TerritoryError(ValueError):
    """A territory named in a way the portal cannot read (the message is in French)."""


@dataclass(frozen=True)
class Territory:
    kind: str  # one of KINDS
    code: str = ""  # SIREN of the EPCI, code of the département or region; "" for France

    def __str__(self) -> str:
        return self.kind if self.kind == "fr" else f"{self.kind}:{self.code}"

    @property
    def slug(self) -> str:
        """The territory in a file name: an EPCI by its SIREN alone (the committed MEL
        extract keeps its name), `dep59`, `reg32`, `fr`."""
        return self.code if self.kind == "epci" else f"{self.kind}{self.code}"

    def describe(self) -> str:
        """The territory in a French sentence: « l'EPCI 200093201 », « la France entière »."""
        return {
            "epci": f"l'EPCI {self.code}",
            "dep": f"le département {self.code}",
            "reg": f"la région {self.code}",
            "fr": "la France entière",
        }[self.kind]


MEL = Territory("epci", "200093201")


def parse_territory(text: str) -> Territory:
    """`epci:<SIREN>`, `dep:<code>`, `reg:<code>` or `fr`; TerritoryError otherwise."""
    value = text.strip()
    if value.lower() == "fr":
        return Territory("fr")
    kind, separator, code = value.partition(":")
    kind, code = kind.strip().lower(), code.strip().upper()
    if not separator or kind not in CODE_PATTERNS:
        raise TerritoryError(f"territoire « {text} » illisible : attendu {EXAMPLES}")
    if not CODE_PATTERNS[kind].fullmatch(code):
        expected = {
            "epci": "un SIREN de 9 chiffres",
            "dep": "un code de département (59, 2A, 974…)",
            "reg": "un code de région à 2 chiffres",
        }[kind]
        raise TerritoryError(
            f"territoire « {text} » : code « {code} » invalide, attendu {expected}"
        )
    return Territory(kind, code)


def record(raw_dir: Path, territory: Territory, name: str) -> None:
    """Write `territory.json` in the raw directory: which territory its files cover."""
    payload = {"territory": str(territory), "name": name}
    (Path(raw_dir) / RECORD_FILE).write_text(json.dumps(payload, ensure_ascii=False) + "\n")


def recorded(raw_dir: Path) -> Territory | None:
    """The territory the raw directory records, or None when it records none."""
    path = Path(raw_dir) / RECORD_FILE
    if not path.is_file():
        return None
    return parse_territory(str(json.loads(path.read_text())["territory"]))
