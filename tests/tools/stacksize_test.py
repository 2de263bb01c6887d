#!/usr/bin/python3
"""tests/tools/stacksize_test.py - tools/stacksize on a program with known
call depths (tests/data/stackdepth.c), compiled as the boards compile
(arm-none-eabi-gcc -O2, the mps2-an385 CPU flags, -fstack-usage
-fcallgraph-info=su).

First the frames GCC reports (.su) are checked against the ones this test
was written for, so that a different compiler shows as "frame changed",
not as a tool bug; then the tool must give exactly the sums along the
deepest paths, the overhead formula, the limits asked for, and flag the
recursion, the indirect call and the dynamic frame as unbounded.

Prints PASS/FAIL/SKIP lines for tools/run-tests; exits 1 on a failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SRC = os.path.join(ROOT, "tests", "data", "stackdepth.c")
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-ffreestanding", "-O2",
          "-ffunction-sections", "-fdata-sections", "-fno-common",
          "-mcpu=cortex-m3", "-mthumb", "-mfloat-abi=soft",
          "-fstack-usage", "-fcallgraph-info=su"]
# Frames in bytes: the volatile array, rounded up with the saved
# registers (lr, and r4 where a value lives across a call) to 8.
FRAMES = {"sink": 0, "leaf": 72, "mid": 136, "chain": 40, "wide": 208,
          "ping": 24, "pong": 32, "ping_pong": 8, "via_hook": 16, "sized": 8}
failed = 0


def result(name, ok, why=""):
    global failed
    if ok:
        print("PASS stacksize." + name)
    else:
        failed += 1
        print("FAIL stacksize.%s: %s" % (name, why))


def run_tool(ci, *extra):
    p = subprocess.run([os.path.join(ROOT, "tools", "stacksize"), ci, "--sources", SRC] + list(extra),
                       capture_output=True, text=True)
    rows = {}
    flags = {}
    last = None
    for line in p.stdout.splitlines():
        m = re.match(r"^(\w+)\s+(>=)?(\d+)\s+(>=)?(\d+)\s+(.*)$", line)
        if m:
            last = m.group(1)
            rows[last] = (int(m.group(3)), int(m.group(5)), bool(m.group(2)), m.group(6))
            flags[last] = []
        elif last and line.strip().startswith("unbounded:"):
            flags[last].append(line.strip())
    return p, rows, flags


def main():
    cc = shutil.which("arm-none-eabi-gcc")
    if cc is None:
        result("toolchain", False, "arm-none-eabi-gcc missing (tools/install-deps)")
        return 1
    with tempfile.TemporaryDirectory() as d:
        obj = os.path.join(d, "stackdepth.o")
        p = subprocess.run([cc] + CFLAGS + ["-c", SRC, "-o", obj], capture_output=True, text=True)
        if p.returncode != 0:
            result("compile", False, p.stderr.strip())
            return 1
        su = {}
        for line in open(os.path.join(d, "stackdepth.su")):
            loc, n, kind = line.rstrip("\n").split("\t")
            su[loc.split(":")[-1]] = (int(n), kind)
        changed = {f: su.get(f) for f, n in FRAMES.items() if su.get(f, (None,))[0] != n}
        result("gcc_frames_as_expected", not changed, "frame changed: %s" % changed)
        result("su_marks_the_vla_dynamic", su.get("sized", (0, ""))[1] == "dynamic", str(su.get("sized")))

        ci = os.path.join(d, "stackdepth.ci")
        p, rows, flags = run_tool(ci, "--check-limit", "1024")
        result("tool_runs", p.returncode == 0 and rows, p.stderr.strip() or p.stdout[-300:])
        want = {
            "chain": 40 + 136 + 72 + 0,
            "wide": 208 + 136 + 72 + 0,
            "ping_pong": 8 + 24 + 32 + 0,
            "via_hook": 16 + 0,
            "sized": 8 + 0,
        }
        for entry, n in want.items():
            got = rows.get(entry)
            result("depth_" + entry, got is not None and got[0] == n and got[1] == n,
                   "want %d, got %s" % (n, got))
        result("bounded_entries_are_exact", rows.get("chain", (0, 0, True))[2] is False and
               rows.get("wide", (0, 0, True))[2] is False, str(rows.get("chain")))
        result("deepest_path_named", rows.get("wide", (0, 0, 0, ""))[3].startswith("wide > mid > leaf > sink"),
               str(rows.get("wide")))
        result("recursion_flagged", rows.get("ping_pong", (0, 0, False))[2] and
               any("recursion ping -> pong -> ping" in f for f in flags.get("ping_pong", [])),
               str(flags.get("ping_pong")))
        result("indirect_call_flagged", rows.get("via_hook", (0, 0, False))[2] and
               any("indirect calls in via_hook" in f for f in flags.get("via_hook", [])),
               str(flags.get("via_hook")))
        result("dynamic_frame_flagged", rows.get("sized", (0, 0, False))[2] and
               any("dynamic frames in sized" in f for f in flags.get("sized", [])),
               str(flags.get("sized")))
        result("limit_asked_for_is_checked", "EXCEEDS 256" in rows.get("wide", (0, 0, 0, ""))[3] and
               "fits 512" in rows.get("via_hook", (0, 0, 0, ""))[3] and
               "fits 1024" in rows.get("chain", (0, 0, 0, ""))[3], str(rows))

        # Overhead: max(F, T + F, T + deepest(P)) = max(36, 76, 40 + 72)
        # with P = leaf; the wrapper's frame (via_hook, 16) on top.
        p, rows, _ = run_tool(ci, "--irq-frame", "36", "--trampoline", "40",
                              "--preempt", "leaf", "--wrapper", "via_hook")
        got = rows.get("chain")
        result("overhead_and_wrapper_added", got is not None and got[1] == 16 + 248 + 112,
               "want %d, got %s" % (16 + 248 + 112, got))
        p, rows, _ = run_tool(ci, "--irq-frame", "36", "--irq", "mid")
        got = rows.get("chain")
        result("irq_on_the_goroutine_stack", got is not None and got[1] == 248 + 36 + 136 + 72,
               "want %d, got %s" % (248 + 36 + 136 + 72, got))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
