"""python -m data.demo --epci 200093201 --seed 2021 --out var/raw [--scale 1.0]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data.demo.generator import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.demo",
        description="Write seeded demo raw files in the published formats.",
    )
    parser.add_argument("--epci", default="200093201", help="SIREN of the EPCI")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", type=Path, default=Path("var/raw"))
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the stock size")
    args = parser.parse_args(argv)
    try:
        generate(args.out, args.epci, args.seed, args.scale)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
