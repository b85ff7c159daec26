"""python -m data.demo --territory epci:200093201 --seed 2021 --out var/raw [--scale 1.0]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data.demo.generator import generate
from data.territory import MEL, TerritoryError, parse_territory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.demo",
        description="Write seeded demo raw files in the published formats.",
    )
    parser.add_argument("--territory", default=str(MEL), help="epci:<SIREN>, dep:59, reg:32, fr")
    parser.add_argument("--epci", help="SIREN of an EPCI (the same as --territory epci:<SIREN>)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", type=Path, default=Path("var/raw"))
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the stock size")
    args = parser.parse_args(argv)
    try:
        territory = parse_territory(f"epci:{args.epci}" if args.epci else args.territory)
    except TerritoryError as exc:
        parser.error(str(exc))
    try:
        generate(args.out, territory, args.seed, args.scale)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
