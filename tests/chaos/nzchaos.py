#!/usr/bin/python3
"""nzchaos: scripted chaos tests against real local nodes (docs/chaos.md).

  nzchaos run SCENARIO [--seed S] [--report FILE.json] [--keep]
  nzchaos list

SCENARIO is a name from tests/chaos/ (e.g. `smoke`) or a path. Every random choice
comes from the seed, printed at the start. Processes are started through the
integration harness (tests/integration/nzharness.py): own process groups,
PR_SET_PDEATHSIG, all of them stopped at the end, even on failure or Ctrl-C.
"""

import argparse
import json
import os
import pathlib
import random
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "integration"))
import nzharness as h  # noqa: E402
import scenario as sc  # noqa: E402

NS = "chaos"
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


class Skip(Exception):
    """A step that needs something this machine lacks (named)."""


class Slot:
    """One node of the cluster."""

    def __init__(self, index, data):
        self.index = index
        self.data = data
        self.node = None
        self.expected_down = False
        self.mounted = False
        self.mnemonic = []
        self.node_id = ""
        self.key_hex = ""
        self.unexpected_exits = []
        self.peer_port = 0
        self.config = None


class Load(threading.Thread):
    def __init__(self, run, index, seed, rate, node_sel, kind="kv-writes"):
        super().__init__(daemon=True)
        self.run_ = run
        self.index = index
        self.rng = random.Random(seed)
        self.interval = 1.0 / rate
        self.node_sel = node_sel
        self.stop_flag = threading.Event()
        self.n = 0
        self.kind = kind

    def run(self):
        nxt = time.monotonic()
        while not self.stop_flag.is_set():
            slots = self.run_.pick_nodes(self.node_sel, self.rng)
            if slots and self.kind == "channel-messages":
                others = [x for x in self.run_.slots if x is not slots[0] and x.node_id]
                if others:
                    dest = self.rng.choice(others)
                    self.n += 1
                    rc, _, err = h.run_nzctl(slots[0].data, "send", dest.node_id, "chaos",
                                             f"m{self.index}-{self.n}", nz_timeout=5,
                                             timeout=20, client=f"chaos-load-{self.index}")
                    self.run_.record_message(rc)
            elif slots:
                slot = slots[0]
                self.n += 1
                key = f"w{self.index}-{self.n}"
                value = f"v{self.rng.getrandbits(48):012x}"
                rc, out, err = h.run_nzctl(slot.data, "kv", "put", NS, key, value,
                                           nz_timeout=5, timeout=20,
                                           client=f"chaos-load-{self.index}")
                self.run_.record_write(slot, key, value, rc, err)
            nxt += self.interval
            delay = nxt - time.monotonic()
            if delay > 0:
                self.stop_flag.wait(delay)
            else:
                nxt = time.monotonic()


class Run:
    def __init__(self, ctx, seed, out):
        self.ctx = ctx
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = out
        self.t0 = time.monotonic()
        self.slots = []
        self.loads = []
        self.lock = threading.Lock()
        self.acked = []            # (slot index, key, value)
        self.failed_writes = []    # (slot index, rc, stderr)
        self.full_failures = []    # failures while that node's disk was full
        self.timeline = []
        self.invariants = []
        self.skipped = []
        self.disk_full = set()
        self.messages_sent = 0
        self.messages_failed = 0
        self.last_partition = []

    # -- output ------------------------------------------------------------------
    def log(self, step_text, result, detail=""):
        t = time.monotonic() - self.t0
        self.timeline.append({"t": round(t, 3), "step": step_text, "result": result,
                              "detail": detail})
        print(f"{t:8.2f}s  {step_text:<44} {result}{'  ' + detail if detail else ''}",
              file=self.out, flush=True)

    # -- nodes -----------------------------------------------------------------------
    def pick_nodes(self, sel, rng):
        with self.lock:
            live = [s for s in self.slots if s.node is not None and s.node.running()]
        if sel in (None, "all", "random"):
            return [rng.choice(live)] if live else []
        i = int(sel)
        return [s for s in live if s.index == i]

    def slot(self, sel):
        if sel is None:
            raise sc.ScenarioError("this step needs node=I")
        if sel == "random":
            return self.rng.choice(self.slots)
        i = int(sel)
        if not 1 <= i <= len(self.slots):
            raise sc.ScenarioError(f"node={i}: the cluster has {len(self.slots)} nodes")
        return self.slots[i - 1]

    def record_message(self, rc):
        with self.lock:
            if rc == 0:
                self.messages_sent += 1
            else:
                self.messages_failed += 1

    def record_write(self, slot, key, value, rc, err):
        with self.lock:
            if rc == 0:
                self.acked.append((slot.index, key, value))
            else:
                self.failed_writes.append((slot.index, rc, err.strip()[:300]))
                if slot.index in self.disk_full:
                    self.full_failures.append((slot.index, rc, err.strip()[:300]))

    def start(self, slot, env=None):
        pf = self.ctx.passphrase_file()
        if not (slot.data / "identity.key").exists():
            _, words = self.ctx.init_identity_to_file(slot.data,
                                                      self.ctx.root / f"mnemonic-{slot.index}")
            slot.mnemonic = words
        args = ["--passphrase-file", str(pf), "--enable-chaos"]
        if slot.config:
            args += ["--config", str(slot.config)]
        with self.lock:
            slot.node = self.ctx.start_node_raw(slot.data, *args, env=env)
            slot.expected_down = False
        h.wait_ready(slot.node)

    def note_exit(self, slot):
        if slot.node is not None and not slot.node.running() and not slot.expected_down:
            slot.unexpected_exits.append(slot.node.returncode)

    def ctl(self, slot, *cmd, json_out=False):
        return h.run_nzctl(slot.data, *cmd, json_out=json_out, client="chaos-driver",
                           nz_timeout=10)

    # -- steps -----------------------------------------------------------------------
    def run_steps(self, steps):
        for step in steps:
            if step.verb == "repeat":
                for _ in range(step.times):
                    self.run_steps(step.body)
                continue
            text = step.text()
            try:
                detail = getattr(self, "step_" + step.verb.replace("-", "_"))(step) or ""
                if step.verb != "expect":  # an invariant prints its own line
                    self.log(text, "ok", detail)
            except Skip as e:
                self.skipped.append({"step": text, "why": str(e)})
                self.log(text, "SKIPPED", str(e))
            except h.Failure as e:
                self.log(text, "ERROR", str(e))
                raise

    def step_cluster(self, step):
        size = step.opts.get("disk")
        for i in range(1, step.n + 1):
            data = self.ctx.root / f"node{i}"
            data.mkdir()
            slot = Slot(i, data)
            if size:
                rc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700",
                                     "tmpfs", str(data)], capture_output=True)
                slot.mounted = rc.returncode == 0
                if not slot.mounted:
                    self.log(f"cluster: node{i} on a {size} tmpfs", "SKIPPED",
                             "cannot mount a size-limited tmpfs here: "
                             + rc.stderr.decode(errors="replace").strip()[:200])
            # A fixed peer port per node, so a restarted node is found again at
            # its address (peers redial addresses they were connected to).
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                slot.peer_port = sock.getsockname()[1]
            slot.config = self.ctx.root / f"node{i}.conf"
            slot.config.write_text(f"[nzcore]\npeer-port={slot.peer_port}\n")
            self.slots.append(slot)
        for slot in self.slots:
            self.start(slot)
            _, j = self.ctl_json(slot, "identity")
            slot.node_id = j.get("node_id", "")
            import base64
            slot.key_hex = base64.b64decode(j.get("ed25519_public", "")).hex()
        # Every node trusts every other one (signed, logged assertions).
        for a in self.slots:
            for b in self.slots:
                if a is not b:
                    rc, out, err = self.ctl(a, "trust", "add", b.key_hex, "--level", "high",
                                            "--label", "cluster=nzchaos")
                    if rc != 0:
                        raise h.Failure(f"node{a.index} trust add node{b.index}: {err.strip()}")
        # Full mesh of peer sessions: each node dials the ones after it.
        for a in self.slots:
            for b in self.slots:
                if a.index < b.index:
                    rc, out, err = self.ctl(a, "peers", "connect",
                                            f"{b.node_id}@127.0.0.1:{b.peer_port}")
                    if rc != 0:
                        raise h.Failure(f"node{a.index} -> node{b.index}: {err.strip()}")
        return f"{step.n} nodes, mutual trust at HIGH, full mesh of sessions"

    def ctl_json(self, slot, *cmd):
        rc, out, err = self.ctl(slot, *cmd, json_out=True)
        try:
            return rc, json.loads(out if rc == 0 else err)
        except ValueError:
            return rc, {}

    def step_wait(self, step):
        deadline = time.monotonic() + step.timeout
        while True:
            bad = self.not_ready()
            if not bad:
                return ""
            if time.monotonic() >= deadline:
                raise h.Failure(f"not ready after {step.timeout:.0f}s: {', '.join(bad)}")
            time.sleep(0.1)

    def not_ready(self):
        bad = []
        for s in self.slots:
            if s.expected_down:
                continue
            if s.node is None or not s.node.running():
                bad.append(f"node{s.index} not running")
                continue
            rc, _, err = self.ctl(s, "status")
            if rc != 0:
                bad.append(f"node{s.index}: status exit {rc} {err.strip()[:100]}")
        return bad

    def step_sleep(self, step):
        time.sleep(step.seconds)

    def step_load(self, step):
        if step.words[0] == "stop":
            return self.stop_loads()
        per_thread = max(1, step.rate // step.threads)
        for t in range(step.threads):
            ld = Load(self, len(self.loads) + 1, self.rng.getrandbits(64), per_thread,
                      step.opts.get("node"), step.words[0])
            self.loads.append(ld)
            ld.start()
        return f"{step.threads} writers x {per_thread}/s"

    def stop_loads(self):
        for ld in self.loads:
            ld.stop_flag.set()
        for ld in self.loads:
            ld.join(timeout=60)
        self.loads = []
        return (f"{len(self.acked)} writes acknowledged, {len(self.failed_writes)} failed; "
                f"{self.messages_sent} channel messages sent, {self.messages_failed} refused")

    def step_crash(self, step):
        slot = self.slot(step.opts.get("node"))
        name = step.words[1]
        if name == "random":
            rc, j = self.ctl_json(slot, "actors")
            names = sorted(a["name"] for a in j.get("actors", [])
                           if a.get("kind") == "worker" and a.get("name") not in ("shutdown",))
            if not names:
                raise h.Failure(f"node{slot.index}: no actors listed ({j})")
            name = self.rng.choice(names)
        rc, out, err = self.ctl(slot, "chaos", "crash", name)
        if rc != 0:
            raise h.Failure(f"node{slot.index}: chaos crash {name}: exit {rc} {err.strip()}")
        return f"node{slot.index}: crashed {name}"

    def step_kill(self, step):
        slot = self.slot(step.opts.get("node"))
        slot.expected_down = True
        slot.node.kill9()
        return f"node{slot.index}: SIGKILL"

    def step_stop(self, step):
        slot = self.slot(step.opts.get("node"))
        slot.expected_down = True
        rc = slot.node.stop()
        if rc != 0:
            raise h.Failure(f"node{slot.index}: SIGTERM gave exit {rc}")
        return f"node{slot.index}: exit 0"

    def step_restart(self, step):
        slot = self.slot(step.opts.get("node"))
        if slot.node is not None and slot.node.running():
            slot.expected_down = True
            slot.node.stop()
        self.start(slot)
        return f"node{slot.index}: running again"

    def step_corrupt(self, step):
        slot = self.slot(step.opts.get("node"))
        actor = step.opts["actor"]
        slot.expected_down = True
        if slot.node.running() and slot.node.stop() != 0:
            raise h.Failure(f"node{slot.index}: did not stop cleanly")
        if step.line == 0:
            # A random fault corrupts only a stream with a second snapshot to
            # fall back to; corrupting the only one makes the stream
            # unrecoverable, which the node reports and refuses by design
            # (recovery_failed, never an empty start) - a scenario of its own.
            _, stats, _ = h.subprocess_run([h.binary("NZ_STORAGE_TOOL"), "stats",
                                            slot.data / "db"])
            snaps = 0
            for line in stats.splitlines():
                if line.startswith(f"stream {actor}:") and "snapshots:" in line:
                    snaps = len(line.split("snapshots:", 1)[1].split())
            if snaps < 2:
                self.start(slot)
                return f"node{slot.index}: {actor} has {snaps} snapshot(s); restarted only"
        rc, out, err = h.subprocess_run([h.binary("NZ_STORAGE_TOOL"), "corrupt-snapshot",
                                         slot.data / "db", actor])
        self.start(slot)
        if rc != 0:
            if "has no snapshot" in err and step.line == 0:  # a random fault: fine
                return f"node{slot.index}: {actor} has no snapshot yet; restarted only"
            raise h.Failure(f"nz_storage_tool corrupt-snapshot: {err.strip()}")
        return f"node{slot.index}: newest {actor} snapshot corrupted, node restarted"

    def step_fault(self, step):
        """One fault chosen by the seed: an actor crash, kill -9 + restart, SIGTERM +
        restart, a corrupted snapshot, a clock-skewed restart, or a full disk for a
        few seconds (only on a tmpfs-backed node). The node is serving afterwards."""
        slot = self.slot(step.opts.get("node", "random"))
        sel = str(slot.index)
        kinds = ["crash", "crash", "crash", "kill", "stop", "corrupt", "skew", "net"]
        if slot.mounted:
            kinds.append("disk")
        with self.lock:
            live = [s for s in self.slots if s.node is not None and s.node.running()]
        if len(live) >= 2:
            kinds.append("partition")
        kind = self.rng.choice(kinds)
        mk = lambda verb, words=(), **o: self._step(verb, list(words), {"node": sel, **o})
        if kind == "partition":
            self.rng.shuffle(live)
            cut = self.rng.randint(1, len(live) - 1)
            groups = [sorted(live[:cut], key=lambda s: s.index),
                      sorted(live[cut:], key=lambda s: s.index)]
            split = self._partition(groups)
            time.sleep(self.rng.uniform(2, 6))
            self.step_heal(mk("heal"))
            return f"partition {split} for a few seconds, then heal"
        if kind == "net":
            if self.rng.random() < 0.5:
                ms = self.rng.choice([20, 50, 150])
                st = mk("delay")
                st.ms = ms
                what = self.step_delay(st)
            else:
                rate = self.rng.choice([0.1, 0.3, 0.5])
                st = mk("drop")
                st.rate = rate
                what = self.step_drop(st)
            time.sleep(self.rng.uniform(2, 5))
            self.ctl(slot, "chaos", "heal")
            return what + " for a few seconds, then healed"
        if kind == "crash":
            return self.step_crash(mk("crash", ["actor", "random"]))
        if kind in ("kill", "stop"):
            getattr(self, "step_" + kind)(mk(kind))
            self.start(slot)
            return f"node{slot.index}: {kind} + restart"
        if kind == "corrupt":
            actor = self.rng.choice(["node_info", "auth_limiter"])
            return self.step_corrupt(mk("corrupt", ["snapshot"], actor=actor))
        if kind == "skew":
            off = self.rng.choice(["+120", "-90", "+3600"])
            try:
                return self.step_clock_skew(mk("clock-skew", s=off))
            except Skip as e:
                return f"clock skew skipped ({e}); " + self.step_crash(
                    mk("crash", ["actor", "random"]))
        self.step_fill_disk(mk("fill-disk"))
        time.sleep(self.rng.uniform(1, 4))
        self.step_free_disk(mk("free-disk"))
        return f"node{slot.index}: disk full for a few seconds"

    @staticmethod
    def _step(verb, words, opts):
        return sc.Step(verb, words, opts, 0)

    def step_partition(self, step):
        return self._partition([[self.slot(str(i)) for i in g] for g in step.groups])

    def _partition(self, groups):
        for g in groups:
            others = [s.node_id for other in groups if other is not g for s in other]
            for s in g:
                rc, _, err = self.ctl(s, "chaos", "partition", *others)
                if rc != 0:
                    raise h.Failure(f"node{s.index}: chaos partition: {err.strip()}")
        self.last_partition = groups
        return " | ".join(",".join(f"node{s.index}" for s in g) for g in groups)

    def step_heal(self, step):
        for s in self.slots:
            if s.node is not None and s.node.running():
                self.ctl(s, "chaos", "heal")
        self.last_partition = []
        return "every node heals"

    def step_delay(self, step):
        slot = self.slot(step.opts.get("node"))
        rc, _, err = self.ctl(slot, "chaos", "delay", str(step.ms))
        if rc != 0:
            raise h.Failure(f"chaos delay: {err.strip()}")
        return f"node{slot.index}: frames delayed {step.ms} ms"

    def step_drop(self, step):
        slot = self.slot(step.opts.get("node"))
        rc, _, err = self.ctl(slot, "chaos", "drop", str(step.rate))
        if rc != 0:
            raise h.Failure(f"chaos drop: {err.strip()}")
        return f"node{slot.index}: application frames dropped with p={step.rate}"

    def sessions_of(self, slot):
        rc, j = self.ctl_json(slot, "peers")
        return {p["node_id"] for p in j.get("peers", []) if p.get("state") == "established"}

    def _filler(self, slot):
        return slot.data / "chaos-filler"

    def step_fill_disk(self, step):
        slot = self.slot(step.opts.get("node"))
        if not slot.mounted:
            raise Skip("the node's data dir is not on a size-limited tmpfs "
                       "(cluster N disk=SIZE, needs mount privileges)")
        st = os.statvfs(slot.data)
        free = st.f_bavail * st.f_frsize
        with open(self._filler(slot), "wb") as f:
            os.posix_fallocate(f.fileno(), 0, max(free - 4096, 4096))
        with self.lock:
            self.disk_full.add(slot.index)
        st = os.statvfs(slot.data)
        return f"node{slot.index}: {st.f_bavail * st.f_frsize} bytes left"

    def step_free_disk(self, step):
        slot = self.slot(step.opts.get("node"))
        if not slot.mounted:
            raise Skip("the node's data dir is not on a size-limited tmpfs")
        self._filler(slot).unlink(missing_ok=True)
        with self.lock:
            self.disk_full.discard(slot.index)
        return f"node{slot.index}: space returned"

    def step_clock_skew(self, step):
        slot = self.slot(step.opts.get("node"))
        if not os.path.exists(FAKETIME_LIB):
            raise Skip(f"libfaketime is not installed ({FAKETIME_LIB})")
        if slot.node.running():
            slot.expected_down = True
            slot.node.stop()
        env = {"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": f"{step.opts['s']}s",
               "DONT_FAKE_MONOTONIC": "1", "FAKETIME_DONT_RESET": "1"}
        self.start(slot, env=env)
        return f"node{slot.index}: restarted with its wall clock {step.opts['s']} s off"

    # -- invariants ------------------------------------------------------------------
    def step_expect(self, step):
        name = step.words[0]
        ok, evidence = getattr(self, "inv_" + name.replace("-", "_"))(step)
        self.invariants.append({"invariant": step.text(), "passed": ok, "evidence": evidence})
        self.log(step.text(), "PASS" if ok else "FAIL", evidence)
        return None

    def inv_no_acked_write_lost(self, step):
        self.stop_loads()
        down = [s.index for s in self.slots if s.node is None or not s.node.running()]
        if down:
            return False, f"nodes {down} are down: their acknowledged writes cannot be read"
        lost = []
        lock = threading.Lock()
        items = list(self.acked)

        def check(chunk):
            for idx, key, value in chunk:
                rc, out, err = h.run_nzctl(self.slots[idx - 1].data, "kv", "get", NS, key,
                                           client="chaos-driver", nz_timeout=10)
                if rc != 0 or out != value:
                    with lock:
                        lost.append(f"node{idx}/{key}: rc {rc} {err.strip()[:80]!r}")
        threads = [threading.Thread(target=check, args=(items[i::4],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not items:
            return False, "no write was acknowledged: the load did not run"
        if lost:
            return False, f"{len(lost)} of {len(items)} acknowledged writes lost: {lost[:5]}"
        return True, f"all {len(items)} acknowledged writes read back " \
                     f"({len(self.failed_writes)} unacknowledged attempts)"

    def inv_restarts_within_intensity(self, step):
        problems = []
        total = 0
        for s in self.slots:
            self.note_exit(s)
            if s.unexpected_exits:
                problems.append(f"node{s.index} exited unexpectedly {s.unexpected_exits}")
            if s.node is None or not s.node.running():
                continue
            rc, j = self.ctl_json(s, "actors")
            if rc != 0:
                problems.append(f"node{s.index}: actors exit {rc}")
                continue
            for a in j.get("actors", []):
                total += a.get("restarts", 0)
                if a.get("state") not in ("running",):
                    problems.append(f"node{s.index}/{a.get('name')}: {a.get('state')}")
        return not problems, ("; ".join(problems) if problems
                              else f"every node serving, every actor running, "
                                   f"{total} restarts in all")

    def inv_no_secret_in_logs(self, step):
        secrets = [self.ctx.passphrase_file().read_text().strip()]
        for s in self.slots:
            tok = s.data / "admin.token"
            if tok.exists():
                secrets.append(tok.read_text().strip())
        phrases = [" ".join(s.mnemonic[i:i + 3]) for s in self.slots
                   for i in range(0, max(len(s.mnemonic) - 2, 0))]
        hits = []
        files = [p for p in self.ctx.root.rglob("*") if p.is_file()
                 and (p.suffix in (".stdout", ".stderr") or "logs" in p.parts
                      or p.name.startswith("crash"))]
        for p in files:
            try:
                text = p.read_text("utf-8", "replace")
            except OSError:
                continue
            for sec in secrets:
                if sec and sec in text:
                    hits.append(f"{p.name}: a passphrase or token")
            for ph in phrases:
                if ph in text:
                    hits.append(f"{p.name}: mnemonic words")
                    break
        return not hits, (f"{hits[:5]}" if hits else
                          f"{len(files)} log files scanned for the passphrase, "
                          f"{len(secrets) - 1} tokens and the mnemonics")

    def inv_all_nodes_ready(self, step):
        bad = self.not_ready()
        return not bad, "; ".join(bad) if bad else f"{len(self.slots)} nodes answer status"

    def inv_snapshot_fallback_reported(self, step):
        slot = self.slot(step.opts.get("node"))
        actor = step.opts.get("actor", "")
        rc, j = self.ctl_json(slot, "status")
        notes = [w for w in j.get("warnings", []) if "snapshot" in w.lower()
                 and actor in w]
        return bool(notes), notes[0] if notes else f"no snapshot warning: {j.get('warnings')}"

    def inv_writes_failed_clearly(self, step):
        with self.lock:
            fails = list(self.full_failures)
        if not fails:
            if not any(s.mounted for s in self.slots):
                raise Skip("no node ran on a size-limited tmpfs")
            return False, "no write failed while the disk was full"
        unclear = [f for f in fails if not f[2] or f[1] == -999]
        return not unclear, (f"{len(unclear)} of {len(fails)} failed writes gave no clear "
                             f"error: {unclear[:3]}" if unclear else
                             f"{len(fails)} writes refused while full, e.g. {fails[0][2]!r}")

    def inv_escalated(self, step):
        """The node's root supervisor gave up (restart intensity exceeded): the
        process exits with status 3 within 15 s, as configured."""
        slot = self.slot(step.opts.get("node"))
        slot.expected_down = True
        rc = slot.node.wait(15)
        if rc is None:
            return False, f"node{slot.index} still running 15 s later"
        return rc == 3, f"node{slot.index} exited with status {rc} (3: root gave up)"

    def inv_partitioned(self, step):
        """No established session crosses the last partition (within 15 s: the
        failure detector needs a few seconds)."""
        deadline = time.monotonic() + 15
        while True:
            crossing = []
            for g in self.last_partition:
                outside = {s.node_id for other in self.last_partition if other is not g
                           for s in other}
                for s in g:
                    crossing += [f"node{s.index}->{x[:8]}" for x in self.sessions_of(s) & outside]
            if not crossing:
                return True, "no session crosses the partition"
            if time.monotonic() > deadline:
                return False, f"sessions still cross it: {crossing[:6]}"
            time.sleep(0.5)

    def converged_now(self):
        live = [s for s in self.slots if s.node is not None and s.node.running()]
        missing = []
        for s in live:
            want = {x.node_id for x in live if x is not s}
            got = self.sessions_of(s)
            if want - got:
                missing.append(f"node{s.index} lacks {len(want - got)} sessions")
        if missing:
            return missing
        # Trust sync: every node holds every other node's own assertions.
        own, held = {}, {}
        for s in live:
            rc, j = self.ctl_json(s, "trust", "list")
            entries = j.get("entries", [])
            own[s.node_id] = {(e["subject"], e["kind"], e["issuer_seq"]) for e in entries
                              if e["issuer"] == s.node_id}
            held[s.node_id] = {(e["issuer"], e["subject"], e["kind"], e["issuer_seq"])
                               for e in entries}
        for s in live:
            for t in live:
                if s is t:
                    continue
                need = {(t.node_id, *x) for x in own[t.node_id]}
                if need - held[s.node_id]:
                    missing.append(f"node{s.index} lacks {len(need - held[s.node_id])} "
                                   f"assertions of node{t.index}")
        return missing

    def inv_converged(self, step):
        """Full mesh of established sessions among the live nodes, and every node
        holds every other node's own trust assertions (trust sync)."""
        start = time.monotonic()
        while True:
            missing = self.converged_now()
            if not missing:
                return True, f"converged after {time.monotonic() - start:.1f} s"
            if time.monotonic() - start > step.within:
                return False, f"not converged after {step.within:.0f} s: {missing[:5]}"
            time.sleep(0.5)

    def inv_trust_log_intact(self, step):
        bad = []
        for s in self.slots:
            if s.node is None or not s.node.running():
                continue
            rc, j = self.ctl_json(s, "trust", "log", "--verify")
            if rc != 0 or not j.get("intact"):
                bad.append(f"node{s.index}: {j}")
        return not bad, "; ".join(bad)[:300] if bad else "every trust log verifies"

    # -- end ---------------------------------------------------------------------------
    def teardown(self):
        self.stop_loads()
        for s in self.slots:
            if s.node is not None and s.node.running():
                s.expected_down = True
                s.node.stop()
        self.ctx.cleanup()
        for s in self.slots:
            if s.mounted:
                subprocess.run(["umount", "-l", str(s.data)], capture_output=True)


def scenario_path(name):
    p = pathlib.Path(name)
    if p.is_file():
        return p
    cand = HERE / f"{name}.nzc"
    if cand.is_file():
        return cand
    raise SystemExit(f"nzchaos: no scenario '{name}' (see `nzchaos list`)")


def cmd_list():
    for p in sorted(HERE.glob("*.nzc")):
        first = ""
        for line in p.read_text().splitlines():
            if line.startswith("#"):
                first = line.lstrip("# ").strip()
                break
        print(f"{p.stem:<18} {first}")
    return 0


def cmd_run(args):
    path = scenario_path(args.scenario)
    try:
        steps = sc.parse(path.read_text(), path.name)
    except sc.ScenarioError as e:
        print(f"nzchaos: {e}", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    print(f"nzchaos: scenario {path.stem}, seed {seed} "
          f"(repeat with --seed {seed})", flush=True)
    ctx = h.Context(f"chaos-{path.stem}")
    run = Run(ctx, seed, sys.stdout)
    error = None
    try:
        run.run_steps(steps)
    except KeyboardInterrupt:
        error = "interrupted"
    except (h.Failure, sc.ScenarioError) as e:
        error = str(e)
    finally:
        run.teardown()
    passed = sum(1 for i in run.invariants if i["passed"])
    failed = len(run.invariants) - passed + (1 if error else 0)
    print("\ninvariants:")
    for i in run.invariants:
        print(f"  {'PASS' if i['passed'] else 'FAIL'}  {i['invariant']}: {i['evidence']}")
    if error:
        print(f"  FAIL  scenario aborted: {error}")
    for s in run.skipped:
        print(f"  skipped: {s['step']}: {s['why']}")
    print(f"{passed} passed, {failed} failed", flush=True)
    if args.report:
        pathlib.Path(args.report).write_text(json.dumps({
            "scenario": path.stem, "seed": seed, "timeline": run.timeline,
            "invariants": run.invariants, "skipped": run.skipped, "error": error,
            "acknowledged_writes": len(run.acked), "failed_writes": len(run.failed_writes),
            "passed": passed, "failed": failed}, indent=2) + "\n")
    if failed == 0 and not args.keep:
        shutil.rmtree(ctx.root, ignore_errors=True)
    else:
        print(f"nzchaos: files kept in {ctx.root}")
    return 0 if failed == 0 else 1


def main(argv):
    ap = argparse.ArgumentParser(prog="nzchaos", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run a scenario")
    r.add_argument("scenario")
    r.add_argument("--seed", type=int)
    r.add_argument("--report")
    r.add_argument("--keep", action="store_true", help="keep the temporary files")
    sub.add_parser("list", help="list the shipped scenarios")
    args = ap.parse_args(argv)
    return cmd_list() if args.cmd == "list" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
