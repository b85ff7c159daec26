"""Writing the raw directory: CSV in the published layouts, and an atomic swap."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv


def write_csv(frame: pd.DataFrame | pa.Table, path: Path, sep: str = ";") -> None:
    """UTF-8, header unquoted, no quoting, '\\n' line ends, empty cells for missing values.

    Arrow's writer is ~10 times faster than pandas'; it refuses a value that would need
    quoting (a separator inside a name), which the demo never produces.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    table = (
        frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    )
    options = pa_csv.WriteOptions(include_header=False, delimiter=sep, quoting_style="none")
    with path.open("wb") as handle:
        handle.write((sep.join(table.column_names) + "\n").encode("utf-8"))
        pa_csv.write_csv(table, handle, options)


@contextmanager
def atomic_directory(out: Path) -> Iterator[Path]:
    """Yield a temporary sibling of out; on success it replaces out in one rename.

    An interrupted or failed run leaves out untouched (and removes the temporary dir).
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    work = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if out.exists():
        out.rename(old)
    work.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """Remove temporary siblings left by runs that were killed (their process is gone)."""
    for sibling in out.parent.glob(f".{out.name}.*-*"):
        pid = sibling.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(sibling, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
