#!/usr/bin/python3
"""Durability under kill -9: the journal writer acknowledges changes only once they are
durable, so after a SIGKILL at a random moment every acknowledged change is recovered.

Rounds and seed: NZ_DURABILITY_ROUNDS (default 30), NZ_TEST_SEED (default random,
printed so a failing run can be repeated)."""

import os
import random
import re
import selectors
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

ROUNDS = int(os.environ.get("NZ_DURABILITY_ROUNDS", "30"))
ROUND_TIMEOUT = 20.0          # seconds for one round to reach its kill point
TOTAL_BUDGET = 85.0           # stop starting new rounds after this (min 20 rounds)
MIN_ROUNDS = 20
ACK = re.compile(r"^ACK (\d+)$")
RECOVERED = re.compile(r"^RECOVERED (\d+)$")
COUNT = re.compile(r"^COUNT (\d+)$")


class Reader:
    """Reads lines from a pipe with a deadline (no blocking reads)."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        os.set_blocking(self.fd, False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.fd, selectors.EVENT_READ)
        self.buf = b""
        self.eof = False

    def lines(self, deadline):
        """Yields complete lines until EOF or the deadline."""
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                yield line.decode("utf-8", "replace").strip()
            if self.eof:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if not self.sel.select(min(left, 0.05)):
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                self.eof = True
                if self.buf:
                    self.buf += b"\n"
            else:
                self.buf += chunk

    def close(self):
        self.sel.close()


def body(ctx):
    seed = int(os.environ.get("NZ_TEST_SEED", str(random.SystemRandom().randrange(2**32))))
    print(f"     # seed {seed} (repeat with NZ_TEST_SEED={seed}), rounds {ROUNDS}", flush=True)
    rng = random.Random(seed)
    writer = h.binary("NZTEST_JOURNAL_WRITER")
    data = ctx.new_dir("data")

    prev_highest = 0        # highest ACK seen in any earlier round
    prev_count = None       # COUNT of the last --verify
    t_start = time.monotonic()
    rounds_done = 0

    for rnd in range(1, ROUNDS + 1):
        if rnd > MIN_ROUNDS and time.monotonic() - t_start > TOTAL_BUDGET:
            ctx.note(f"time budget used up after {rounds_done} rounds")
            break
        target = rng.randint(200, 3000)
        p = ctx.spawn([writer, "--data", data], "writer", pipe_stdout=True)
        reader = Reader(p.popen.stdout)
        deadline = time.monotonic() + ROUND_TIMEOUT
        recovered = None
        acks = []
        bad = []
        killed = False
        for line in reader.lines(deadline):
            m = ACK.match(line)
            if m:
                acks.append(int(m.group(1)))
                if len(acks) >= target:
                    p.kill9()       # right now: whatever is printed is acknowledged
                    killed = True
                    break
                continue
            m = RECOVERED.match(line)
            if m and recovered is None and not acks:
                recovered = int(m.group(1))
                continue
            if line:
                bad.append(line)
        if not killed:
            rc = p.returncode
            p.kill9()
            reader.close()
            ctx.check(False, f"round {rnd}: writer produces {target} ACK lines within "
                      f"{ROUND_TIMEOUT:.0f} s",
                      f"got {len(acks)} ACKs, exit status {rc}, unexpected lines {bad[:5]!r}, "
                      f"stderr {h.tail(p.stderr_path, 800)!r}")
        # Drain what the writer printed before it died: those were acknowledged too.
        for line in reader.lines(time.monotonic() + 5.0):
            m = ACK.match(line)
            if m:
                acks.append(int(m.group(1)))
            elif line:
                bad.append(line)
        reader.close()
        p.close()

        highest = max(acks)
        base = recovered if recovered is not None else 0
        ok_lines = not bad
        if rnd == 1:
            ok_rec = recovered in (None, 0)
            rec_detail = f"RECOVERED {recovered}"
        else:
            ok_rec = recovered is not None and recovered >= prev_highest
            rec_detail = (f"RECOVERED {recovered}, previous highest ACK {prev_highest}, "
                          f"previous COUNT {prev_count}")
        consecutive = acks == list(range(base + 1, base + 1 + len(acks)))
        res = h.subprocess_run([writer, "--data", data, "--verify"], timeout=30)
        m = COUNT.match(res[1].strip().splitlines()[-1]) if res[1].strip() else None
        count = int(m.group(1)) if m else None

        label = (f"round {rnd}: {len(acks)} ACKs ({base + 1}..{highest}), "
                 f"verify COUNT {count}")
        ctx.check(ok_lines, f"round {rnd}: writer prints only RECOVERED/ACK lines",
                  repr(bad[:5]))
        ctx.check(ok_rec, f"round {rnd}: RECOVERED covers every earlier ACK", rec_detail)
        if rnd > 1 and prev_count is not None:
            ctx.expect(recovered == prev_count, f"round {rnd}: RECOVERED equals the previous "
                       f"verify COUNT", rec_detail)
        ctx.check(consecutive, f"round {rnd}: ACKs are consecutive from RECOVERED+1",
                  f"first {acks[:3]}, last {acks[-3:]}, base {base}")
        ctx.check(res[0] == 0 and count is not None, f"round {rnd}: --verify exits 0 with COUNT",
                  h.fmt_result(res))
        ctx.check(count >= highest, label + " >= highest ACK",
                  f"lost {highest - count} acknowledged change(s)")
        prev_highest, prev_count = highest, count
        rounds_done += 1

    ctx.check(rounds_done >= MIN_ROUNDS, f"{rounds_done} kill -9 rounds (>= {MIN_ROUNDS})")
    ctx.note(f"total acknowledged changes {prev_highest}, recovered {prev_count}, "
             f"{time.monotonic() - t_start:.1f} s")


if __name__ == "__main__":
    h.main("durability_kill9", body)
