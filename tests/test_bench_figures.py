"""The writer of docs/benchmarks.md: rows replaced by name, the others kept."""

from __future__ import annotations

from datetime import date

from bench import figures

MACHINE = {
    "cpus": 2,
    "ram_gib": 23.5,
    "postgresql": "PostgreSQL 15.20 on x86_64-pc-linux-gnu",
    "shared_buffers": "128MB",
    "python": "3.13.0",
    "django": "6.1.3",
    "load_average": [1.5, 1.2, 1.0],
}


def row(name: str, p95: str) -> figures.Row:
    return figures.Row(name, "1 ms", p95, "3", "p95 < 30 ms", "2026-12-01")


def test_a_first_run_writes_the_header_the_machine_and_the_rows(tmp_path):
    path = tmp_path / "benchmarks.md"

    figures.write({"feed": row("feed", "2 ms")}, MACHINE, path=path, when=date(2026, 12, 2))

    text = path.read_text()
    assert text.startswith(figures.HEADER)
    assert (
        "Last run: 2026-12-02, 2 CPUs, 23.5 GiB RAM, PostgreSQL 15.20 (shared_buffers 128MB), "
        "Python 3.13.0, Django 6.1.3" in text
    )
    assert "| measurement | p50 | p95 | queries | target | measured |" in text
    assert "| feed | 1 ms | 2 ms | 3 | p95 < 30 ms | 2026-12-01 |" in text


def test_a_later_run_replaces_its_own_rows_and_keeps_the_others_in_place(tmp_path):
    path = tmp_path / "benchmarks.md"
    first = {name: row(name, "2 ms") for name in ("feed", "search", "listing page")}
    figures.write(first, MACHINE, path=path, when=date(2026, 12, 2))

    figures.write(
        {"search": row("search", "9 ms"), "new": row("new", "4 ms")},
        {**MACHINE, "cpus": 8},
        path=path,
        when=date(2026, 12, 3),
    )

    rows = figures.read_rows(path.read_text())
    assert list(rows) == ["feed", "search", "listing page", "new"]
    assert rows["search"].p95 == "9 ms"
    assert rows["feed"] == first["feed"]
    assert "Last run: 2026-12-03, 8 CPUs" in path.read_text()


def test_the_seeded_file_has_the_header_and_no_rows():
    text = figures.TABLE.read_text()

    assert text.startswith(figures.HEADER)
    assert "| measurement | p50 | p95 | queries | target | measured |" in text


def test_note_keeps_a_row_dated_today(monkeypatch):
    monkeypatch.setattr(figures, "ROWS", {})

    noted = figures.note("feed", p50=figures.ms(1.5), p95=figures.ms(2), queries=4, target="none")

    assert figures.ROWS == {"feed": noted}
    assert noted == figures.Row("feed", "1.5 ms", "2 ms", "4", "none", figures.today().isoformat())


def test_note_latency_takes_p50_and_p95_from_a_measurement(monkeypatch):
    monkeypatch.setattr(figures, "ROWS", {})
    measured = {"p50_ms": 12.5, "p95_ms": 20.0, "mean_ms": 13.0, "max_ms": 31.0}

    noted = figures.note_latency("feed", measured, queries=4, target="p95 < 30 ms")

    assert (noted.p50, noted.p95, noted.queries, noted.target) == (
        "12.5 ms",
        "20 ms",
        "4",
        "p95 < 30 ms",
    )


def test_rows_at_other_scales_are_named_so_and_shown_side_by_side(tmp_path, monkeypatch):
    path = tmp_path / "benchmarks.md"
    monkeypatch.setattr(figures, "ROWS", {})
    monkeypatch.setenv("BENCH_SCALE", "0.1")
    small = figures.note("feed", p50="1 ms", p95="10 ms")
    monkeypatch.setenv("BENCH_SCALE", "1")
    full = figures.note("feed", p50="1 ms", p95="12 ms")
    assert small.measurement == "feed at 0.1×" and full.measurement == "feed"

    figures.write(figures.ROWS, MACHINE, path=path)

    text = path.read_text()
    assert "| measurement | 0.1× | 1× | per tenfold |" in text
    assert "| feed | 10 ms | 12 ms | 1.20× |" in text
