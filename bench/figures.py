"""The committed table of benchmark figures, docs/benchmarks.md, written by `make bench`.

Each measurement notes one row (`note`); at the end of the session the bench conftest calls
`write`, which replaces the rows of the same name in the file and keeps every other row, so
running one bench file updates its own rows only. The line about the machine describes the last
run; each row carries the date it was measured.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
COLUMNS = ("measurement", "p50", "p95", "queries", "target", "measured", "requests/s")
MACHINE_PREFIX = "Last run:"
HEADER = """\
# Benchmark figures

The figures below are written by `make bench` (`bench/figures.py`): each run replaces the rows it
measured and keeps the others. Do not edit them by hand. What is measured, on what data, and why
the figures move between runs: [benchmarks-method.md](benchmarks-method.md).
"""


@dataclass(frozen=True)
class Row:
    measurement: str
    p50: str = ""
    p95: str = ""
    queries: str = ""
    target: str = ""
    measured: str = ""
    rate: str = ""  # requests per second, for the HTTP load run


ROWS: dict[str, Row] = {}
MACHINE: dict = {}


def today() -> date:
    return datetime.now(UTC).date()


def ms(value: float) -> str:
    return f"{value:g} ms"


def seconds(value: float) -> str:
    return f"{value:g} s"


def scale_suffix() -> str:
    """What a row's name carries when the data is not at full size (`BENCH_SCALE`)."""
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    return "" if scale == 1 else f" at {scale:g}×"


SCALED = re.compile(r"^(?P<name>.*) at (?P<scale>[0-9.]+)×$")


def note(
    name: str, *, p50: str = "", p95: str = "", queries="", target: str = "", rate: str = ""
) -> Row:
    """Keep one measurement's row for the table written at the end of the session; at another
    scale than 1 the name says which ("... at 0.1×")."""
    name += scale_suffix()
    row = Row(name, p50, p95, str(queries), target, today().isoformat(), rate)
    ROWS[name] = row
    return row


def note_latency(name: str, measured: dict, *, queries="", target: str = "none") -> Row:
    """The row of a `bench.timing.measure` result: its p50 and p95 in milliseconds."""
    return note(
        name, p50=ms(measured["p50_ms"]), p95=ms(measured["p95_ms"]), queries=queries, target=target
    )


def machine_line(machine: dict, when: date) -> str:
    postgresql = str(machine.get("postgresql", "")).split(" on ")[0]
    return (
        f"{MACHINE_PREFIX} {when.isoformat()}, {machine.get('cpus')} CPUs, "
        f"{machine.get('ram_gib')} GiB RAM, {postgresql} (shared_buffers "
        f"{machine.get('shared_buffers')}), Python {machine.get('python')}, "
        f"Django {machine.get('django')}, load average at start {machine.get('load_average')}."
    )


def read_rows(text: str) -> dict[str, Row]:
    """The rows of the table in `text`, by measurement, in their order."""
    rows: dict[str, Row] = {}
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("| ---"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        # Rows written before the requests/s column have one cell less.
        if cells[0] == COLUMNS[0] or len(cells) not in (len(COLUMNS) - 1, len(COLUMNS)):
            continue
        rows[cells[0]] = Row(*cells)
    return rows


def _milliseconds(cell: str) -> float | None:
    found = re.fullmatch(r"([0-9.]+) ms", cell.strip())
    return float(found.group(1)) if found else None


def by_scale(rows: dict[str, Row]) -> list[str]:
    """The p95 (or the one time) of each measurement taken at more than one scale, side by side,
    and how much it grows per tenfold of data (from the smallest scale to the largest)."""
    scales: dict[str, dict[float, str]] = {}
    for row in rows.values():
        found = SCALED.match(row.measurement)
        name, scale = (found["name"], float(found["scale"])) if found else (row.measurement, 1.0)
        scales.setdefault(name, {})[scale] = row.p95 or row.p50  # a run timed once has p50
    columns = sorted({scale for seen in scales.values() for scale in seen})
    shown = {name: seen for name, seen in scales.items() if len(seen) > 1}
    if not shown:
        return []
    lines = [
        "",
        "## How cost grows with data (p95)",
        "",
        "| measurement | " + " | ".join(f"{scale:g}×" for scale in columns) + " | per tenfold |",
        "| --- | " + " | ".join("---" for _ in columns) + " | --- |",
    ]
    for name, seen in shown.items():
        low, high = min(seen), max(seen)
        first, last = _milliseconds(seen[low]), _milliseconds(seen[high])
        growth = ""
        if first and last and high > low:
            growth = f"{(last / first) ** (1 / math.log10(high / low)):.2f}×"
        cells = [seen.get(scale, "") for scale in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {growth} |")
    return lines


def render(rows: dict[str, Row], machine: str) -> str:
    lines = [HEADER, machine, "", "| " + " | ".join(COLUMNS) + " |"]
    lines.append("| " + " | ".join("---" for _ in COLUMNS) + " |")
    lines += [
        "| " + " | ".join(cell.replace("|", "/") for cell in astuple(row)) + " |"
        for row in rows.values()
    ]
    lines += by_scale(rows)
    return "\n".join(lines) + "\n"


def write(rows: dict[str, Row], machine: dict, *, path: Path = TABLE, when: date | None = None):
    """Merge `rows` into the table at `path`: same name replaced, the rest kept in place."""
    text = path.read_text() if path.exists() else ""
    merged = read_rows(text)
    merged.update(rows)
    previous = next((line for line in text.splitlines() if line.startswith(MACHINE_PREFIX)), "")
    line = machine_line(machine, when or today()) if rows else previous
    path.write_text(render(merged, line or "No figures yet: run `make bench`."))
