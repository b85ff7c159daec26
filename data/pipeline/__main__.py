"""`python -m data.pipeline build --raw var/raw --out var/warehouse [--threshold N]
[--perimeters var/perimeters.json] [--territory dep:59]`.

The territory is the one the raw directory records (`territory.json`) unless named here.

On any error, prints on stderr `file:line:column: message` for a raw file that cannot be
read, or an internal error of the build with its step, and exits with status 1; the
previous warehouse is left untouched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config import load_settings
from data.pipeline.build import build
from data.pipeline.failures import InternalBuildError, internal_error_message
from data.pipeline.proof import DisclosureError
from data.sources.errors import SourceError
from data.territory import TerritoryError, parse_territory


def error_line(exc: BaseException) -> str:
    """`file:line:column: message` for a raw file's error; an audit's refusal as it says
    it; otherwise the build's internal error, its step and its place in the code
    (`failures`)."""
    if isinstance(exc, SourceError | InternalBuildError | DisclosureError):
        return str(exc)
    return internal_error_message(None, exc)


def main(argv: list[str] | None = None) -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(
        prog="python -m data.pipeline", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build the warehouse from the raw files")
    build_parser.add_argument("--raw", type=Path, default=settings.var_dir / "raw")
    build_parser.add_argument("--out", type=Path, default=settings.data_dir)
    build_parser.add_argument("--threshold", type=int, default=settings.secrecy_threshold)
    build_parser.add_argument(
        "--territory", help="epci:<SIREN>, dep:59, reg:32 or fr (default: the raw directory's)"
    )
    build_parser.add_argument("--epci", help="SIREN of an EPCI (--territory epci:<SIREN>)")
    build_parser.add_argument(
        "--perimeters",
        type=Path,
        default=settings.var_dir / "perimeters.json",
        help="the conventions' combined perimeters to check "
        "(written by `flask --app app conventions perimeters`; none if the file is absent)",
    )
    args = parser.parse_args(argv)
    if args.threshold < 1:
        parser.error("--threshold must be at least 1")
    named = f"epci:{args.epci}" if args.epci else args.territory
    try:
        territory = parse_territory(named) if named else None
    except TerritoryError as exc:
        parser.error(str(exc))
    try:
        build(args.raw, args.out, args.threshold, territory, perimeters_file=args.perimeters)
    except Exception as exc:
        print(error_line(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
