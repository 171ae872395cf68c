"""Where the server's time goes under load: py-spy samples the worker while wrk runs.

Starts ingram-mock, runs a warm-up, then one wrk scenario (GET details or POST create) while
`py-spy record` samples the granian worker process, and prints the functions with the most
samples, by own time and by time including callees, as file:line. The raw collapsed stacks
are kept in a temp file named in the output (flamegraph.pl or speedscope draw them).

py-spy is not a project dependency: `.venv/bin/pip install py-spy` first.

    .venv/bin/python benchmarks/profile_server.py --scenario get [--duration 10] [--top 25]
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchlib import REPO, require_wrk, run_wrk, start_mock
from load import prepare

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*):(?P<line>\d+)\)$")


def py_spy() -> str:
    candidate = Path(sys.executable).parent / "py-spy"
    found = str(candidate) if candidate.exists() else shutil.which("py-spy")
    if found is None:
        sys.exit("py-spy is missing: .venv/bin/pip install py-spy")
    return found


def short(file: str) -> str:
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


IDLE_LEAVES = ("Condition.wait", "Event.wait", "_wait_for_tstate_lock")


def summarise(raw: Path, top: int, prefix: str) -> None:
    """Sample shares from py-spy's collapsed stacks: own time per line, inclusive per function.

    Stacks that end in a wait (the background settle thread sleeping) are left out.
    """
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = [FRAME.match(part.strip()) for part in stack.split(";")]
        parsed = [(m["func"], short(m["file"]), m["line"]) for m in frames if m]
        if not parsed or parsed[-1][0].startswith(IDLE_LEAVES):
            continue
        total += count
        func, file, lineno = parsed[-1]
        own[f"{file}:{lineno} {func}"] += count
        # A function appears once per sample however often it recurses or which line runs.
        for func, file in dict.fromkeys((f, fl) for f, fl, _ in parsed):
            inclusive[f"{func} ({file})"] += count
            if file.startswith("mock_server/"):
                ours[f"{func} ({file})"] += count
    if not total:
        print("no samples: did py-spy attach?")
        return
    print(f"{total} busy samples")
    for title, table in (
        ("own time, by line", own),
        ("inclusive time, by function", inclusive),
        ("inclusive time, mock_server functions only", ours),
    ):
        print(f"\n{prefix} top {top} by {title}:")
        for name, count in table.most_common(top):
            print(f"  {100 * count / total:5.1f}%  {name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("get", "create"), default="get")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="server blocking threads")
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    require_wrk()
    spy = py_spy()
    script = "get_order.lua" if args.scenario == "get" else "create_order.lua"
    out_dir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    raw = out_dir / f"{args.scenario}.collapsed.txt"
    server = start_mock(threads=args.threads)
    recorder: subprocess.Popen[bytes] | None = None
    try:
        env = prepare(server.base_url)
        run_wrk("warm-up", server.base_url, script, {**env, "BENCH_RUN": "w"}, duration=3)
        workers = server.tree()[1:] or [server.pid]
        command = [spy, "record", "--pid", str(workers[-1]), "--rate", str(args.rate)]
        command += ["--duration", str(args.duration + 1), "--format", "raw", "-o", str(raw)]
        recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)  # let py-spy attach before the load starts
        result = run_wrk(
            args.scenario,
            server.base_url,
            script,
            {**env, "BENCH_RUN": "p"},
            connections=args.connections,
            duration=args.duration,
        )
        _, errors = recorder.communicate(timeout=args.duration + 60)
        if recorder.returncode != 0:
            print(errors.decode(errors="replace")[-2000:])
    finally:
        if recorder is not None and recorder.poll() is None:
            recorder.kill()
            recorder.wait()
        server.stop()
    print(
        f"{args.scenario}: {result.rps:,.0f} req/s, p99 {result.p99_ms:.1f} ms under py-spy "
        f"(non-2xx {result.non_2xx}); raw stacks: {raw}"
    )
    summarise(raw, args.top, args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
