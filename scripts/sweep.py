#!/usr/bin/env python3
"""Hostile-value sweep: every fixture with its numbers or times set to extremes.

Fuzzers rarely write a 20-digit number into the one field that matters; this
does it on purpose. Each file of the shared fixtures, the examples and
fuzz/seeds (under 400 KB) is rewritten with:
  numbers: every standalone number of up to 6 digits at once set to 2^64-1,
           2^63, 2^32+1 or 1,000,001, and each of its first 40 numbers alone set
           to 2^64-1 or 2^63;
  times:   every RFC 3339 timestamp, date and epoch number set to the ends of
           chrono's range, to impossible values, and to i64::MIN/MAX, 20 digits
           and 1e308 (each run with and without --since);
  gate:    the shard verdicts `check --shard` writes for each example, with
           their numbers set as for `numbers` (first 60 alone), read by `gate`.
and checked by a debug build (overflow checks on), 10 s per run. Any exit other
than 0, 1 or 3 (a panic is 101) or a timeout is printed, once per cause; the
script exits 1 if there was any.

Usage: cargo build && scripts/sweep.py [numbers|times|gate]...   (default: all three)
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "debug", "truegreen")
SOURCES = [os.path.join(ROOT, "..", "shared", "fixtures"), os.path.join(ROOT, "examples"), os.path.join(ROOT, "fuzz", "seeds")]

NUMBER = re.compile(rb"(?<![0-9A-Za-z.])[0-9]{1,6}(?![0-9A-Za-z.])")
HUGE = [b"18446744073709551615", b"9223372036854775808", b"4294967297", b"1000001"]
TIMESTAMP = re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
DATE = re.compile(rb"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\dT])")
EPOCH = re.compile(rb"(?<![\d.])1[6-8]\d{8}(\d{3})?(?![\d])")
TIMESTAMPS = [b"+262142-12-31T23:59:59Z", b"-262143-01-01T00:00:00Z", b"9999-12-31T23:59:59.999999999+14:00",
              b"0000-01-01T00:00:00-23:59", b"1970-01-01T00:00:00Z", b"2026-13-45T99:99:99Z"]
DATES = [b"+262142-12-31", b"0000-00-00", b"9999-12-31", b"-0001-01-01"]
EPOCHS = [b"9223372036854775807", b"-9223372036854775808", b"99999999999999999999", b"1e308"]


def fixtures():
    for root in SOURCES:
        for d, _, names in os.walk(root):
            for name in sorted(names):
                path = os.path.join(d, name)
                if os.path.getsize(path) < 400_000 and not name.endswith((".rc", ".md", ".stderr")):
                    yield path


def number_variants(data):
    for v in HUGE:
        yield [], NUMBER.sub(v, data)
    for m in list(NUMBER.finditer(data))[:40]:
        for v in HUGE[:2]:
            yield [], data[: m.start()] + v + data[m.end():]


def time_variants(data):
    for pattern, values in ((TIMESTAMP, TIMESTAMPS), (DATE, DATES), (EPOCH, EPOCHS)):
        if pattern.search(data):
            for v in values:
                changed = pattern.sub(v, data)
                yield [], changed
                yield ["--since", "2026-02-07T09:00:00Z"], changed


def shard_verdicts(scratch):
    """One shard verdict document per example, as `check --shard` writes it."""
    examples = os.path.join(ROOT, "examples")
    for i, name in enumerate(sorted(os.listdir(examples))):
        if os.path.isdir(os.path.join(examples, name)):
            out = os.path.join(scratch, f"shard-{i}.json")
            cell = f'{{"n": {i}}}'
            subprocess.run([BIN, "check", "--shard", cell, "--commit", "abc1234", "--run-id", "5", "--json", out,
                            os.path.join(examples, name)], capture_output=True, timeout=60)
            if os.path.exists(out):
                yield out


def gate_variants(data):
    for v in HUGE:
        yield NUMBER.sub(v, data)
    for m in list(NUMBER.finditer(data))[:60]:
        for v in HUGE[:2]:
            yield data[: m.start()] + v + data[m.end():]


class Sweep:
    def __init__(self):
        self.runs, self.problems, self.seen = 0, 0, set()

    def run(self, name, path, command):
        """Run one command; note it when it neither judged (0, 1, 3) nor finished in time."""
        self.runs += 1
        try:
            r = subprocess.run(command, capture_output=True, timeout=10)
            if r.returncode in (0, 1, 3):
                return
            m = re.search(r"panicked at [^\n]*\n[^\n]*", r.stderr.decode(errors="replace"))
            cause = m.group(0) if m else f"exit {r.returncode}"
        except subprocess.TimeoutExpired:
            cause = "timeout"
        self.problems += 1
        if cause not in self.seen:
            self.seen.add(cause)
            print(f"{name}: {path} {command[2:-1]}: {cause}")


def main():
    sweeps = sys.argv[1:] or ["numbers", "times", "gate"]
    makers = {"numbers": number_variants, "times": time_variants}
    scratch = tempfile.mkdtemp()
    sweep = Sweep()
    for path in fixtures():
        data = open(path, "rb").read()
        for name in (s for s in sweeps if s in makers):
            for args, variant in makers[name](data):
                copy = os.path.join(scratch, os.path.basename(path))
                with open(copy, "wb") as f:
                    f.write(variant)
                sweep.run(name, path, [BIN, "check", "--color", "never", *args, copy])
    if "gate" in sweeps:
        cell_dir = os.path.join(scratch, "cell")
        os.makedirs(cell_dir)
        for path in list(shard_verdicts(scratch)):
            data = open(path, "rb").read()
            for variant in gate_variants(data):
                with open(os.path.join(cell_dir, "verdict.json"), "wb") as f:
                    f.write(variant)
                command = [BIN, "gate", "--color", "never", "--expect-count", "1", "--commit", "abc1234",
                           "--run-id", "5", cell_dir]
                sweep.run("gate", path, command)
    print(f"{sweep.runs} runs, {sweep.problems} problem(s)")
    return 1 if sweep.problems else 0


if __name__ == "__main__":
    sys.exit(main())
