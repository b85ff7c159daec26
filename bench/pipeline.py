"""Benchmark of the warehouse build, against the floor of merely scanning the raw files.

    python -m bench.pipeline [--scales 1 10] [--keep DIR]
    python -m bench.pipeline --territory dep:59 [--raw DIR] [--keep DIR]  (bench.territory)

For each scale (1 by default), generates the demo raw files (`python -m data.demo --scale S`) into a
temporary directory (with `--keep DIR`, raw files already generated there, in
`DIR/raw-x<S>/`, are reused), then runs, each in its own child process:
- the floor: DuckDB counting the rows of every raw delimited file once
  (`SELECT count(*) FROM read_csv` of each file: RPLS, OPS, SNE, Filosofi, BPE, census,
  GTFS; the contours, a few hundred kilobytes, are left out);
- the build: `python -m data.pipeline build`.
Wall time is measured around the child, and its CPU time (user and system, all threads:
steadier on a shared machine); peak memory is the child's maximum resident set
(`os.wait4` rusage, so it covers that child alone). The issue's target is a build within
5x the scan at every scale. Prints the build against the scan (its read step too), then
one comparable table of what the disclosure audit adds to the build: its rounds after
the first pass of the secrecy rules, and the read-back of the written tables (from the
manifest), against the rest; what the secrecy of shares adds (its build step: reading
the numerators, deciding and auditing), what the perimeter views add, and what the
fragility diagnosis adds (its build step, with its proof), each against the rest, then
every protection against inference together against the rest (the budget: under 20 % at
MEL scale): the build steps `PROTECTION_STEPS` whole, wall time and the build's CPU time
(steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The build steps that protect against inference: the disclosure audit's rounds (with the
# first pass of the rules), the secrecy of shares, the perimeter views, the attributions'
# secrecy (not their tables: step "attributions") and the final proof of everything.
PROTECTION_STEPS = ("secrecy", "share secrecy", "perimeters", "attributions secrecy", "audit")
SCAN_SCRIPT = """
import sys, duckdb
from pathlib import Path
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
for name in sys.argv[1:]:
    delimiter = "," if Path(name).suffix == ".txt" else ";"
    rows = con.execute(
        "SELECT count(*) FROM read_csv(?, delim=?, header=true, all_varchar=true)",
        [name, delimiter],
    ).fetchone()[0]
    print(Path(name).name, rows)
"""
# The raw delimited files the scan reads (see data/sources/README.md).
RAW_FILES = ("rpls/*.csv", "ops/*.csv", "sne/*.csv", "filosofi/*.csv", "bpe/*.csv",
             "recensement/*.CSV", "gtfs/stops.txt")  # fmt: skip


@dataclass(frozen=True)
class Measure:
    seconds: float
    cpu_seconds: float
    peak_mib: float
    output: str


def measured(command: list[str]) -> Measure:
    """Run `command` in a child process; its wall time and its own peak memory."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(seconds, cpu, usage.ru_maxrss / 1024, output)  # ru_maxrss: KiB on Linux


def generate(raw: Path, scale: float) -> float:
    """Seconds to generate the demo raw files of `scale` into `raw` (0 if already there)."""
    if (raw / ".complete").is_file():
        return 0.0
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "data.demo", "--scale", str(scale), "--out", str(raw)],
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def bench_scale(work: Path, scale: float) -> dict:
    raw = work / f"raw-x{scale:g}"
    generated = generate(raw, scale)
    files = sorted(path for pattern in RAW_FILES for path in raw.glob(pattern))
    size_mib = sum(path.stat().st_size for path in files) / 2**20
    scan = measured([sys.executable, "-c", SCAN_SCRIPT, *map(str, files)])
    build = measured(
        [
            sys.executable,
            "-m",
            "data.pipeline",
            "build",
            "--raw",
            str(raw),
            "--out",
            str(work / f"warehouse-x{scale:g}"),
        ]
    )
    steps = [line.strip() for line in build.output.splitlines() if line.startswith("  ")]
    manifest = json.loads((work / f"warehouse-x{scale:g}" / "manifest.json").read_text())
    audit = manifest["disclosure_audit"]
    added = audit["seconds"] - audit["rules_seconds"] + manifest["timings_s"]["audit"]
    return {
        "audit_s": added,
        "shares_s": manifest["timings_s"]["share secrecy"],
        "perimeters_s": manifest["timings_s"]["perimeters"],
        "proximity_s": manifest["timings_s"]["proximity"],
        "residences": manifest["row_counts"]["residences"],
        "equipments": manifest["row_counts"]["equipments"],
        "fragility_s": manifest["timings_s"]["fragility"],
        "audit_rounds": audit["rounds"],
        "protections": protection_cost(manifest["timings_s"]),
        "protections_cpu": protection_cost(manifest["cpu_timings_s"]),
        "scale": scale,
        "rows": manifest["row_counts"]["raw_rpls"],
        "scanned_rows": sum(int(line.split()[-1]) for line in scan.output.splitlines()),
        "read_s": manifest["timings_s"]["read"],
        "size_mib": size_mib,
        "generate_s": generated,
        "scan": scan,
        "build": build,
        "steps": steps,
    }


def protection_cost(timings: dict[str, float]) -> tuple[float, float]:
    """Seconds of the protection steps, and their share of the rest of the build."""
    added = sum(timings[step] for step in PROTECTION_STEPS)
    return added, added / (timings["total"] - added)


def scan_report(results: list[dict]) -> list[str]:
    """The build against the scan of the same raw files (target: 5x), wall and CPU time."""
    lines = [
        f"{'scale':>5} {'raw rows':>10} {'raw MiB':>7} | {'scan s':>6} {'CPU s':>6} "
        f"{'MiB':>5} | {'read s':>6} {'read/scan':>9} | {'build s':>7} {'CPU s':>6} "
        f"{'peak MiB':>8} | {'build/scan':>10} {'CPU ratio':>9}",
    ]
    for r in results:
        scan, build = r["scan"], r["build"]
        lines.append(
            f"{r['scale']:>5g} {r['scanned_rows']:>10,} {r['size_mib']:>7.0f} | "
            f"{scan.seconds:>6.2f} {scan.cpu_seconds:>6.2f} {scan.peak_mib:>5.0f} | "
            f"{r['read_s']:>6.2f} {r['read_s'] / scan.seconds:>9.1f} | "
            f"{build.seconds:>7.1f} {build.cpu_seconds:>6.1f} {build.peak_mib:>8.0f} | "
            f"{build.seconds / scan.seconds:>10.1f} {build.cpu_seconds / scan.cpu_seconds:>9.1f}"
        )
    return lines


def report(results: list[dict]) -> str:
    lines = [
        *scan_report(results),
        "",
        f"{'scale':>5} {'RPLS rows':>10} {'raw MiB':>9} | {'scan s':>7} {'scan MiB':>8} | "
        f"{'build s':>8} {'build MiB':>9} | {'build/scan':>10} | {'audit s':>7} {'audit/rest':>10} "
        f"| {'shares s':>8} {'shares/rest':>11} | {'perim. s':>8} {'perim./rest':>11} "
        f"| {'protections s':>13} {'/rest':>5} {'CPU s':>6} {'/rest':>5} "
        f"| {'fragil. s':>9} {'fragil./rest':>12}",
    ]
    for r in results:
        lines.append(
            f"{r['scale']:>5g} {r['rows']:>10,} {r['size_mib']:>9.0f} | "
            f"{r['scan'].seconds:>7.1f} {r['scan'].peak_mib:>8.0f} | "
            f"{r['build'].seconds:>8.1f} {r['build'].peak_mib:>9.0f} | "
            f"{r['build'].seconds / r['scan'].seconds:>10.1f} | "
            f"{r['audit_s']:>7.2f} {r['audit_s'] / (r['build'].seconds - r['audit_s']):>9.0%} | "
            f"{r['shares_s']:>8.2f} "
            f"{r['shares_s'] / (r['build'].seconds - r['shares_s']):>10.0%} | "
            f"{r['perimeters_s']:>8.2f} "
            f"{r['perimeters_s'] / (r['build'].seconds - r['perimeters_s']):>10.0%} | "
            f"{r['protections'][0]:>13.2f} {r['protections'][1]:>5.0%} "
            f"{r['protections_cpu'][0]:>6.2f} {r['protections_cpu'][1]:>5.0%} | "
            f"{r['fragility_s']:>9.2f} "
            f"{r['fragility_s'] / (r['build'].seconds - r['fragility_s']):>11.0%}"
        )
    for r in results:
        lines.append(
            f"proximity step at scale {r['scale']:g}: {r['proximity_s']:.2f} s for "
            f"{r['residences']:,} residences and {r['equipments']:,} equipments "
            "(nearest of each family, counts within 500 m and 1 km; target under 2 s at MEL scale)"
        )
    for r in results:
        lines.append(
            f"\nbuild steps at scale {r['scale']:g} (demo generated in {r['generate_s']:.0f} s):"
        )
        lines.extend(f"  {step}" for step in r["steps"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0])
    parser.add_argument("--keep", type=Path, help="work in this directory and keep the files")
    parser.add_argument("--territory", help="epci:<SIREN>, dep:59, reg:32 or fr (bench.territory)")
    parser.add_argument("--raw", type=Path, help="with --territory: this raw directory as it is")
    args = parser.parse_args(argv)
    if args.territory:
        # bench.territory reuses this module's measures: imported here, not in a cycle.
        from bench import territory

        territory.main(args.territory, args.raw, args.keep)
        return
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = []
        for scale in args.scales:
            print(f"scale {scale:g}: generating and building in {work}", flush=True)
            results.append(bench_scale(work, scale))
    print(report(results))


if __name__ == "__main__":
    main()
