"""`make bench`: run every benchmark and write bench/RESULTS.md.

Options: --step-seconds N (each Locust step, default 60), --steps 100,250,500,1000,
--skip-load, --database-url URL (PostgreSQL for the second load run; default
BENCH_DATABASE_URL, then the test database).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from . import lighthouse, load, scenarios

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
DEFAULT_PG = "postgresql+psycopg://smm:smm@127.0.0.1:5432/smmacademy_test"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def postgres_available(url: str) -> bool:
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def load_table(result: dict) -> list[str]:
    """The Markdown of one database's load run."""
    lines = [
        f"**{result['database']}**, gunicorn --preload, {result['workers']} workers × {result['threads']} threads. "
        "Learners (8 in 10: module, quiz, home page), managers (dashboard, member, CSV export) and HR "
        "(candidate list, report), 30–90 s think time, Locust headless on the same machine.",
        "",
        "| people | requests | req/s | p50 ms | p95 ms, all | worst page p95 ms | sign-in p95 ms | errors | "
        "every page p95 < 500 ms, 0 errors |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for step in result["steps"]:
        lines.append(
            f"| {step['users']} | {step.get('requests', 0)} | {step.get('rps', 0):.1f} | {step.get('p50_ms', 0):.0f} | "
            f"{step.get('p95_ms', 0):.0f} | {step['worst_p95_ms']:.0f} ({step['worst_page']}) | "
            f"{step['sign_in_p95_ms']:.0f} | {step.get('failures', 0)} | "
            f"{'yes' if step['ok'] else 'no'} |"
        )
    stress = result["stress"]
    lines += [
        "",
        f"Sustained: **{result['sustained']} concurrent people** (largest step that passed; the steps stop at the "
        f'first that fails). Server log: {result["database_locked"]} "database is locked", '
        f"{result['tracebacks']} tracebacks.",
        "",
        f"Stress, 20 users without think time, {stress['seconds']:.0f} s: **{stress.get('rps', 0):.0f} req/s**, "
        f"p50 {stress.get('p50_ms', 0):.0f} ms, p95 {stress.get('p95_ms', 0):.0f} ms, "
        f"{stress.get('failures', 0)} errors.",
        "",
        "| page (stress) | requests | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for page, row in stress.get("pages", {}).items():
        lines.append(f"| {page} | {row['requests']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['failures']} |")
    lines += [
        "",
        f"Same server, 20 signed-in users without think time for 15 s each: module page ({result['module_url']}) "
        f"{result['module_rps']:.0f} req/s, /healthz (same signed-in users; no database access, no template) {result['health_rps']:.0f} req/s — "
        f"ratio **{result['module_ratio']:.2f}** (target ≥ 0.5). Server CPU time a request (gunicorn's processes, "
        f"which a shared machine's load disturbs far less than throughput): module page "
        f"{result['module_cpu_ms']:.2f} ms, /healthz {result['health_cpu_ms']:.2f} ms — ratio "
        f"**{_ratio(result['health_cpu_ms'], result['module_cpu_ms'])}**.",
        "",
    ]
    return lines


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "—"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def lighthouse_table(results: dict) -> list[str]:
    """The Markdown of the Lighthouse section."""
    lines = [
        "## Browser",
        "",
        "Lighthouse (pinned in bench/package.json), mobile profile (simulated slow 4G and CPU), Debian's Chromium, "
        "signed in as an administrator, against gunicorn on SQLite. Target: performance ≥ 95, accessibility 100. "
        "A run Lighthouse could not record itself (it reports e.g. NO_NAVSTART and asks to be run again) is "
        "repeated, up to 3 times, and counted under runs repeated.",
        "",
        "| page | performance | accessibility | page weight | requests | LCP ms | failed accessibility audits "
        "| runs repeated |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, row in results.items():
        if "error" in row:
            lines.append(f"| {name} ({row['path']}) | — | — | — | — | — | not measured: {row['error']} | — |")
            continue
        lines.append(
            f"| {name} ({row['path']}) | {row['performance']} | {row['accessibility']} | "
            f"{row['bytes'] / 1024:.0f} KiB | {row['requests']} | "
            f"{_ms(row['lcp_ms'])} | "
            f"{', '.join(row['failed_accessibility']) or 'none'} | "
            f"{', '.join(row.get('failed_runs', [])) or 'none'} |"
        )
    return lines + [""]


def load_average() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument("--steps", default="25,50,100,200,400")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    args = parser.parse_args()
    steps = tuple(int(n) for n in args.steps.split(","))
    started_load = load_average()

    print("content loading ...", flush=True)
    content = scenarios.content_loading()
    print("module page vs trivial page (in-process) ...", flush=True)
    pages = scenarios.module_vs_trivial()
    print("team dashboard 10 vs 1000 people ...", flush=True)
    dashboard = scenarios.dashboard_scaling()
    loads = []
    if not args.skip_load:
        print("load test on SQLite ...", flush=True)
        loads.append(load.run(None, steps=steps, step_seconds=args.step_seconds))
        if postgres_available(args.database_url):
            print("load test on PostgreSQL ...", flush=True)
            loads.append(load.run(args.database_url, steps=steps, step_seconds=args.step_seconds))
        else:
            print("PostgreSQL not reachable: skipping its load run", flush=True)

    audits = None
    if lighthouse.available():
        print("lighthouse ...", flush=True)
        audits = lighthouse.run()
    else:
        print("lighthouse not installed (cd bench && npm install): skipping the browser section", flush=True)

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit.stdout.strip() or '?'} on "
        f"{machine()}. Re-run with `make bench`; every comparison below comes from one run.",
        "",
        f"Load average (1/5/15 min) at the start: **{started_load}**, at the end: {{end_load}}. The load test "
        "itself keeps both cores busy (Locust and gunicorn on the same machine); a load average well above 2 means "
        "other work shared the machine and wall-clock figures are inflated. The ratios within one run are the "
        "stable figures.",
        "",
        "## Course content",
        "",
        f"- Shipped courses ({content['shipped']}): catalog loaded, validated and rendered in "
        f"**{1000 * content['shipped_seconds']:.0f} ms**.",
        f"- Generated tree ({content['generated']}): {content['generated_seconds']:.2f} s without the disk cache, "
        f"**{content['generated_cold_seconds']:.2f} s** from a cold cache (render and write everything, "
        f"{content['workers']} worker processes; {content['generated_cold_cpu_seconds']:.2f} s of CPU in all), "
        f"**{content['generated_warm_seconds']:.2f} s** from a warm one (a restart: nothing changed; "
        f"{content['generated_warm_cpu_seconds']:.2f} s of CPU). Targets: ≤ 2 s cold, ≤ 0.5 s warm.",
        f"- In-process (Flask test client, one thread, signed in): module page ({pages['module_url']}) "
        f"{pages['module_rps']:.0f} req/s, trivial page (/account, same layout and sign-in) "
        f"{pages['trivial_rps']:.0f} req/s — ratio **{pages['ratio']:.2f}** (target ≥ 0.5). Against /healthz "
        f"(no database access, no template, {pages['health_rps']:.0f} req/s) the ratio is {pages['health_ratio']:.2f}.",
        "",
        "## Team dashboard",
        "",
        f"- 10 people × 30 modules with attempts: **{1000 * dashboard['team_10_seconds']:.0f} ms** "
        f"({dashboard['per_person_ms_10']:.1f} ms a person).",
        f"- 1,000 people × 30 modules with attempts: **{1000 * dashboard['team_1000_seconds']:.0f} ms** "
        f"({dashboard['per_person_ms_1000']:.2f} ms a person). The query count is the same for both "
        "(tests/test_team.py checks it).",
        "",
    ]
    if loads:
        lines += ["## Load", ""]
        for result in loads:
            lines += load_table(result)
    if audits is not None:
        lines += lighthouse_table(audits)
    text = "\n".join(lines).replace("{end_load}", load_average())
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
