#!/usr/bin/python3
"""A rogue client against a node's two ports (issue #5; docs/security.md).

Two trusted nodes A and B keep a live session A -> B. nztest_rogue_node attacks B:

Peer port (plain TCP records, docs/protocol.md "Transport"): malformed records,
headers announcing 512 MiB and 4 GiB - 1, garbage Noise messages, a valid handshake
by an untrusted identity, slow connections, BASP (a real CAF client and raw BASP
messages), a connection flood from one source, a half-open flood from many sources,
and a frame flood by a rogue that B was made to trust. Each attack must have no
effect beyond being counted and dropped: the rogue reports what it saw (closed after
how long, which records came back, B's VmRSS), and the test compares that with B's
metrics (`nzctl metrics`), B's actors, kv store, trust list and audit log, and the
A-B session, which must stay the same one throughout.

Admin port (BASP on 127.0.0.1, local processes only): guessed actor ids, messages of
every interface, system messages and forged responses, and wrong tokens. What is
still possible there is printed as KNOWN LIMITATION lines.
"""

import base64
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

HANDSHAKE_TIMEOUT_MS = 2000
MAX_HALF_OPEN = 16
PER_SOURCE = 10
FRAME_RATE = 500
FRAMES = 5000
# B's limits, small enough to be reached by the test quickly.
B_CONFIG = f"""[nzcore]
peer-handshake-timeout={HANDSHAKE_TIMEOUT_MS}ms
peer-max-half-open={MAX_HALF_OPEN}
peer-handshakes-per-source={PER_SOURCE}
peer-frame-rate={FRAME_RATE}
"""
# No attack may grow B's VmRSS by this much. Under AddressSanitizer (the
# sanitizer tree's nzcore) freed memory sits in quarantine and shadow memory
# grows with it, so the bound is wider there; the 512 MiB claims stay far above.
RSS_LIMIT_KIB = (160 if "asan" in os.environ.get("NZCORE", "") else 32) * 1024
CLOSE_AT_ONCE_MS = 1000     # "closed at once": well below the handshake timeout
ROGUE_SEED = "52" * 32      # the identity B is made to trust (frame flood)
IDS = "1-300"               # guessed actor ids on the admin port
CAF_HELPER = "scheduled_actor"  # CAF's own unnamed helper actors (not the node's)


def ctl_json(data, *cmd, timeout=15):
    """(rc, parsed JSON or None) of `nzctl --json CMD`; never raises."""
    rc, out, err = h.run_nzctl(data, *cmd, json_out=True, timeout=timeout)
    try:
        return rc, json.loads(out if rc == 0 else err)
    except ValueError:
        return rc, None


def metrics(data):
    """{'name{labels}': value} from `nzctl metrics`, or None."""
    rc, out, _ = h.run_nzctl(data, "metrics", timeout=15)
    if rc != 0:
        return None
    res = {}
    for line in out.splitlines():
        if line and not line.startswith("#") and " " in line:
            key, val = line.rsplit(" ", 1)
            try:
                res[key] = float(val)
            except ValueError:
                pass
    return res


def m(snap, name, reason=None):
    key = name + (f'{{reason="{reason}"}}' if reason else "")
    return (snap or {}).get(key, 0.0)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def parse_results(text):
    out = []
    for line in text.splitlines():
        if line.startswith("RESULT "):
            words = line.split()[1:]
            out.append((words[0], dict(w.split("=", 1) for w in words[1:] if "=" in w)))
    return out


def first(results, kind, **match):
    for k, f in results:
        if k == kind and all(f.get(a) == b for a, b in match.items()):
            return f
    return None


def num(f, key, default=-1):
    try:
        return int((f or {}).get(key, default))
    except ValueError:
        return default


class Pair:
    """Nodes A and B with mutual trust and a session A -> B."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.dirs = {"a": ctx.new_dir("a"), "b": ctx.new_dir("b")}
        cfg = ctx.root / "b.conf"
        cfg.write_text(B_CONFIG)
        self.nodes = {"a": ctx.start_node(self.dirs["a"]),
                      "b": ctx.start_node(self.dirs["b"], "--config", cfg)}
        for n in self.nodes.values():
            h.wait_ready(n)
        self.ids = {}
        for n, d in self.dirs.items():
            _, j = ctl_json(d, "identity")
            ctx.check(j and "node_id" in j, f"{n.upper()}: identity", repr(j))
            self.ids[n] = (j["node_id"], base64.b64decode(j["ed25519_public"]).hex())
        ctx.check(h.run_nzctl(self.a, "trust", "add", self.ids["b"][1], "--level",
                              "high")[0] == 0, "A trusts B")
        ctx.check(h.run_nzctl(self.b, "trust", "add", self.ids["a"][1], "--level",
                              "medium")[0] == 0, "B trusts A")

        def try_connect():
            if self.session():
                return True
            h.run_nzctl(self.a, "peers", "connect", f"127.0.0.1:{self.peer_port()}",
                        timeout=15)
            return bool(self.session())
        h.poll_until(try_connect, 30, "the A-B session", interval=0.3)
        self.since = self.session()["connected_since_ms"]
        self.restarts = {n: self.restart_counts(n) for n in self.dirs}

    @property
    def a(self):
        return self.dirs["a"]

    @property
    def b(self):
        return self.dirs["b"]

    def peer_port(self):
        return int((self.b / "peer.port").read_text().strip())

    def admin_port(self):
        return int((self.b / "admin.port").read_text().strip())

    def session(self, node_id=None):
        """B's established session with A (or `node_id`), or None."""
        rc, j = ctl_json(self.b, "peers")
        for p in (j or {}).get("peers", []) if rc == 0 else []:
            if p.get("node_id") == (node_id or self.ids["a"][0]) \
                    and p.get("state") == "established":
                return p
        return None

    def restart_counts(self, n):
        rc, j = ctl_json(self.dirs[n], "actors")
        if rc != 0 or not j:
            return None
        return {x["name"]: (x["state"], x["restarts"]) for x in j.get("actors", [])}


class Rogue:
    """Runs nztest_rogue_node against B; each run gets its own source network."""

    def __init__(self, ctx, pair):
        self.ctx, self.pair, self.runs = ctx, pair, 0

    def argv(self, label, phases, *extra):
        self.runs += 1
        return [h.binary("NZTEST_ROGUE_NODE"), "--phases", ",".join(phases),
                "--peer", f"127.0.0.1:{self.pair.peer_port()}",
                "--watch-pid", str(self.pair.nodes["b"].pid),
                "--handshake-timeout-ms", str(HANDSHAKE_TIMEOUT_MS),
                "--source-net", f"127.{10 + self.runs}", *extra]

    def run(self, label, phases, *extra):
        res = h.subprocess_run(self.argv(label, phases, *extra), timeout=150)
        return self.finish(label, res)

    def finish(self, label, res):
        (self.ctx.root / f"rogue-{label}.out").write_text(res[1] + "\n--- stderr\n" + res[2])
        self.ctx.check(res[0] == 0, f"rogue [{label}] ran", h.fmt_result(res))
        results = parse_results(res[1])
        self.ctx.note(f"rogue [{label}]: " + "; ".join(
            f"{k} {' '.join(f'{a}={b}' for a, b in v.items())}" for k, v in results))
        return results


def wait_deltas(ctx, data, before, want, timeout=10):
    """Polls B's metrics until every (name, reason) in `want` grew by at least its
    expected delta; returns the last snapshot (metrics are counted asynchronously)."""
    last = {}

    def probe():
        nonlocal last
        last = metrics(data) or {}
        return all(m(last, n, r) - m(before, n, r) >= d for (n, r), d in want.items())
    try:
        h.poll_until(probe, timeout, "the expected metric deltas", interval=0.2)
    except h.Failure:
        pass
    # A moment more: anything counted twice would show now.
    time.sleep(0.3)
    return metrics(data) or last


def expect_deltas(ctx, what, before, after, want):
    for (n, r), d in want.items():
        got = m(after, n, r) - m(before, n, r)
        label = f'{n}{{reason="{r}"}}' if r else n
        ctx.expect(got == d, f"{what}: {label} grew by {d}", f"grew by {got}")


def expect_intact(ctx, pair, what, rss_before):
    """B (and A) still serve nzctl, no supervised actor restarted, the A-B session is
    the same one, a ping A -> B works, B's VmRSS did not jump."""
    for n in ("b", "a"):
        node = pair.nodes[n]
        ctx.expect(node.running(), f"{what}: {n.upper()} still running")
        ok = h.run_nzctl(pair.dirs[n], "status", timeout=10)[0] == 0
        ctx.expect(ok, f"{what}: {n.upper()} still serves nzctl status")
        if ok:
            ctx.expect(pair.restart_counts(n) == pair.restarts[n],
                       f"{what}: {n.upper()}'s actors all running, no restarts",
                       f"{pair.restart_counts(n)} vs {pair.restarts[n]}")
    res = h.run_nzctl(pair.b, "kv", "get", "keep", "k")
    ctx.expect(res[0] == 0 and res[1].strip() == "precious", f"{what}: B serves kv",
               h.fmt_result(res))
    s = pair.session()
    ctx.expect(s is not None and s["connected_since_ms"] == pair.since,
               f"{what}: the A-B session is the same one (never closed)", repr(s))
    res = h.run_nzctl(pair.a, "ping", pair.ids["b"][0][:16], timeout=15)
    ctx.expect(res[0] == 0, f"{what}: ping A -> B works", h.fmt_result(res))
    rss = rss_kib(pair.nodes["b"].pid)
    ctx.expect(rss - rss_before < RSS_LIMIT_KIB,
               f"{what}: B's VmRSS did not jump", f"{rss_before} -> {rss} KiB")


def closed_at_once(ctx, what, f, kinds=None):
    c = num(f, "closed_ms")
    ok = 0 <= c < CLOSE_AT_ONCE_MS and (kinds is None or (f or {}).get("kinds") == kinds)
    ctx.expect(ok, f"{what}: closed at once ({c} ms)"
               + (f", records received: {kinds}" if kinds else ""), repr(f))


def closed_at_timeout(ctx, what, f):
    c = num(f, "closed_ms")
    ok = HANDSHAKE_TIMEOUT_MS - 300 <= c <= HANDSHAKE_TIMEOUT_MS + 2500
    ctx.expect(ok, f"{what}: closed at the handshake timeout ({c} ms)", repr(f))


def body(ctx):
    pair = Pair(ctx)
    a, b = pair.a, pair.b
    rogue = Rogue(ctx, pair)
    ctx.check(h.run_nzctl(b, "kv", "put", "keep", "k", "precious")[0] == 0,
              "B: kv put keep/k")
    rss0 = rss_kib(pair.nodes["b"].pid)
    D, HF, CC = ("nzcore_peer_dropped_total", "nzcore_peer_handshake_failures_total",
                 "nzcore_peer_connections_closed_total")
    TH = "nzcore_peer_throttled_total"

    # -- 1: malformed and oversized records -------------------------------------------
    m0 = metrics(b)
    r = rogue.run("records", ["records", "oversize"])
    for case in ("length0", "kind0", "kind6", "kind255", "abort_payload", "first_frame",
                 "first_abort", "first_handshake2", "handshake3_then_hello", "two_hellos"):
        closed_at_once(ctx, f"record {case}", first(r, "record", case=case), kinds="-")
    for case in ("512mib", "4gib", "max_plus_1"):
        f = first(r, "oversize", case=case)
        closed_at_once(ctx, f"a header announcing {(f or {}).get('announced')} bytes", f)
        ctx.expect(num(f, "rss_growth_kib", 1 << 30) < 8 * 1024,
                   f"oversize {case}: B allocated nothing for it (VmRSS growth "
                   f"{num(f, 'rss_growth_kib')} KiB < 8 MiB)", repr(f))
    want = {(D, "bad_record"): 5, (D, "oversized_record"): 3, (D, "early_record"): 1,
            (HF, "bad_message"): 4, (CC, "bad_record"): 8, (CC, "protocol"): 5}
    m1 = wait_deltas(ctx, b, m0, want)
    expect_deltas(ctx, "records", m0, m1, want)
    ctx.expect(m(m1, D, "foreign_sender") == m(m0, D, "foreign_sender")
               and m(m1, D, "wire_filter") == m(m0, D, "wire_filter"),
               "records: no record reached an actor as a message from outside")
    expect_intact(ctx, pair, "records", rss0)

    # -- 2: garbage handshakes, an untrusted identity ---------------------------------
    m0 = metrics(b)
    r = rogue.run("handshake", ["handshake"])
    for case in ("hello_short", "hello_payload", "hello_huge"):
        closed_at_once(ctx, f"handshake {case}: refused with a bare abort",
                       first(r, "handshake", case=case), kinds="abort")
    closed_at_once(ctx, "handshake garbage message 3: refused with a bare abort",
                   first(r, "handshake", case="garbage_handshake3"), kinds="handshake2,abort")
    u = first(r, "handshake", case="untrusted")
    ctx.expect(u and u.get("verdict") == "refused" and u.get("kinds") == "handshake2,abort"
               and 0 <= num(u, "closed_ms") < CLOSE_AT_ONCE_MS,
               "a valid handshake by an untrusted identity is refused: one empty abort "
               "record, then the connection closes", repr(u))
    want = {(HF, "bad_message"): 2, (HF, "malformed"): 1, (HF, "too_long"): 1,
            (HF, "not_trusted"): 1}
    m1 = wait_deltas(ctx, b, m0, want)
    expect_deltas(ctx, "handshake", m0, m1, want)
    rid = (u or {}).get("node_id", "?")
    ctx.expect(pair.session(rid) is None
               and f"session established with {rid[:16]}" not in h.read_log(pair.nodes["b"]),
               "B never established a session with the untrusted rogue")
    expect_intact(ctx, pair, "handshake", rss0)

    # -- 3: slow connections: closed at the handshake timeout -------------------------
    m0 = metrics(b)
    r = rogue.run("slowloris", ["slowloris"])
    for case in ("idle", "partial_header", "partial_record", "hello_then_silence",
                 "second_hello", "frame_before_handshake3"):
        closed_at_timeout(ctx, f"slow {case}", first(r, "slow", case=case))
    want = {(HF, "timeout"): 6, (D, "unexpected_record"): 2, (CC, "timeout"): 3}
    m1 = wait_deltas(ctx, b, m0, want)
    expect_deltas(ctx, "slowloris", m0, m1, want)
    expect_intact(ctx, pair, "slowloris", rss0)

    # -- 4: BASP on the peer port -------------------------------------------------------
    m0 = metrics(b)
    r = rogue.run("basp", ["basp"])
    f = first(r, "basp", case="remote_actor")
    ctx.expect(f and f.get("outcome", "").startswith("error:")
               and 0 <= num(f, "returned_ms") < CLOSE_AT_ONCE_MS,
               "a real CAF client (middleman().remote_actor) on the peer port fails at once: "
               "its BASP handshake header reads as an oversized record", repr(f))
    for case in ("client_handshake", "server_handshake", "direct_message", "routed_message",
                 "named_receiver"):
        f = first(r, "basp", case=case)
        closed_at_once(ctx, f"raw BASP {case}", f)
        ctx.expect(num(f, "bytes_from_target") == 0,
                   f"raw BASP {case}: the target sent nothing back", repr(f))
    # CAF's client and four raw headers read as oversized records (a BASP header
    # starts with its operation byte); a server handshake header as length 0.
    want = {(D, "oversized_record"): 5, (D, "bad_record"): 1, (HF, "timeout"): 0}
    m1 = wait_deltas(ctx, b, m0, want)
    expect_deltas(ctx, "basp", m0, m1, want)
    expect_intact(ctx, pair, "basp", rss0)

    # -- 5: connection floods ----------------------------------------------------------
    m0 = metrics(b)
    r = rogue.run("connflood", ["connflood"], "--flood-conns", "40")
    f = first(r, "connflood")
    refused = num(f, "refused")
    ctx.expect(PER_SOURCE <= num(f, "admitted") <= PER_SOURCE + 2 and refused >= 40 - PER_SOURCE - 2,
               f"40 connections from one source: about {PER_SOURCE} admitted (the "
               f"per-source burst), the rest refused at once", repr(f))
    want = {(HF, "rate_per_source"): refused, (HF, "too_many_half_open"): 0}
    m1 = wait_deltas(ctx, b, m0, want)
    expect_deltas(ctx, "connflood", m0, m1, want)
    time.sleep(0.5)   # the admitted ones were closed by the rogue: slots free again

    m0 = metrics(b)
    r = rogue.run("halfopen", ["halfopen"], "--half-open-conns", str(MAX_HALF_OPEN + 8))
    f = first(r, "halfopen")
    refused = num(f, "refused")
    ctx.expect(num(f, "admitted") == MAX_HALF_OPEN and refused == 8,
               f"{MAX_HALF_OPEN + 8} idle connections from as many sources: "
               f"{MAX_HALF_OPEN} admitted (peer-max-half-open), 8 refused", repr(f))
    want = {(HF, "too_many_half_open"): refused, (HF, "rate_per_source"): 0}
    m1 = wait_deltas(ctx, b, m0, want)
    expect_deltas(ctx, "halfopen", m0, m1, want)
    expect_intact(ctx, pair, "floods", rss0)

    # -- 6: a frame flood by a rogue that B trusts --------------------------------------
    r = rogue.run("whoami", ["whoami"], "--seed", ROGUE_SEED)
    who = first(r, "whoami")
    ctx.check(who and h.run_nzctl(b, "trust", "add", who["key"], "--level", "high")[0] == 0,
              "B trusts the rogue's identity (for the frame flood)")
    trust_before = ctl_json(b, "trust", "list")[1]
    audit_before = ctl_json(b, "audit")[1]
    ctx.check(trust_before is not None and audit_before is not None,
              "B: trust list and audit log readable")
    seen_seq = max([e["seq"] for e in audit_before.get("events", [])] + [0])
    m0 = metrics(b)
    proc = ctx.spawn(rogue.argv("frameflood", ["frameflood"], "--seed", ROGUE_SEED,
                                "--frames", str(FRAMES)), "rogue-frameflood")
    worst, polls = 0.0, 0
    deadline = time.monotonic() + 120
    while proc.running() and time.monotonic() < deadline:
        t0 = time.monotonic()
        ok = h.run_nzctl(b, "status", timeout=10)[0] == 0
        worst = max(worst, time.monotonic() - t0 if ok else 99.0)
        polls += 1
        time.sleep(0.05)
    rc = proc.wait(10)
    r = rogue.finish("frameflood", (rc, proc.stdout_text(), proc.stderr_text()))
    f = first(r, "frameflood")
    ctx.expect(f and f.get("verdict") == "admitted" and f.get("written") == "all"
               and num(f, "drained_ms") >= 0,
               f"the trusted rogue completed a real handshake and sent {FRAMES} frames, "
               f"all of which B processed (the pong behind them came back)", repr(f))
    ctx.expect(polls > 0 and worst < 2.0,
               f"B kept serving nzctl status during the flood ({polls} polls, slowest "
               f"{worst:.2f} s)")
    want = {(D, "unknown_type"): FRAMES}
    m1 = wait_deltas(ctx, b, m0, want, timeout=30)
    expect_deltas(ctx, "frameflood", m0, m1, want)
    ctx.expect(m(m1, TH) > m(m0, TH),
               "B throttled the flooding connection (nzcore_peer_throttled_total grew)",
               f"{m(m0, TH)} -> {m(m1, TH)}")
    rate = num(f, "frames_per_s")
    ctx.note(f"frame flood: {FRAMES} frames drained in {num(f, 'drained_ms')} ms = {rate} "
             f"frames/s against peer-frame-rate={FRAME_RATE} (burst {2 * FRAME_RATE}); "
             f"throttled {int(m(m1, TH) - m(m0, TH))} times")
    # The burst (2 s worth) passes at once, the rest at the configured rate: the
    # average over the flood stays below twice the limit.
    ctx.expect(0 < rate <= 2 * FRAME_RATE,
               f"B held the flooding peer to peer-frame-rate={FRAME_RATE} on average "
               f"({rate} frames/s over {FRAMES} frames)")
    expect_intact(ctx, pair, "frameflood", rss0)

    # -- 7: BASP on the admin port (127.0.0.1) ------------------------------------------
    m0 = metrics(b)
    admin = ("--admin", f"127.0.0.1:{pair.admin_port()}", "--ids", IDS, "--settle-ms", "800")
    r = rogue.run("admin", ["admin-content", "admin-system"], *admin)
    reach = first(r, "reachable", port="admin")
    ctx.check(reach and int(reach["count"]) >= 1,
              "the rogue reaches the admin gate over BASP on the admin port", repr(reach))
    named = [x for x in reach["actors"].split(",") if x and not x.endswith(CAF_HELPER)]
    ctx.note(f"KNOWN LIMITATION [admin port]: a local process reaches {len(named)} of the "
             f"node's actor(s) by guessed id ({reach['actors']}); the wire guard admits "
             f"operator requests only")
    for ph in ("admin-content", "admin-system"):
        g = first(r, "gone", phase=ph)
        gone = [x for x in (g or {}).get("actors", "").split(",")
                if x and not x.endswith(CAF_HELPER)]
        ctx.expect(g is not None and not gone,
                   f"{ph}: no actor of B reachable from the admin port disappeared",
                   repr(g))
    want = {("nzcore_auth_failures_total", "bad_token"): 2, (D, "wire_filter"): 1}
    m1 = wait_deltas(ctx, b, m0, want)
    expect_deltas(ctx, "admin", m0, m1, {("nzcore_auth_failures_total", "bad_token"): 2})
    ctx.expect(m(m1, D, "wire_filter") > m(m0, D, "wire_filter"),
               "the admin gate's wire guard dropped and counted the rest",
               f"{m(m0, D, 'wire_filter')} -> {m(m1, D, 'wire_filter')}")
    _, au = ctl_json(b, "audit")
    new = [e for e in (au or {}).get("events", []) if e["seq"] > seen_seq]
    ctx.expect(len(new) == 2 and all(e["kind"] == "auth_failure" for e in new),
               "the audit log gained exactly the two auth failures", repr(new))
    seen_seq = max([e["seq"] for e in new] + [seen_seq])
    ctx.expect(ctl_json(b, "trust", "list")[1] == trust_before,
               "no operator command ran: B's trust list is unchanged")
    res = h.run_nzctl(b, "kv", "get", "rogue", "k")
    ctx.expect(res[0] != 0, "the rogue's kv_put stored nothing", h.fmt_result(res))
    expect_intact(ctx, pair, "admin", rss0)

    # -- after everything -----------------------------------------------------------------
    _, au = ctl_json(b, "audit")
    ctx.check(au is not None and au.get("intact") is True, "B: the audit chain is intact",
              repr(au)[:300])
    later = [e for e in au.get("events", []) if e["seq"] > seen_seq]
    ctx.check(not later, "B: nothing but the two auth failures was audited", repr(later))
    ctx.check(ctl_json(b, "trust", "list")[1] == trust_before, "B: the trust list is unchanged")

    # -- the admin port's BASP read buffer ------------------------------------------------
    r = rogue.run("admin-claim", ["admin-claim"], "--admin", f"127.0.0.1:{pair.admin_port()}")
    f = first(r, "admin-claim")
    ctx.check(f is not None, "the rogue held a BASP header announcing 512 MiB on the admin port")
    ctx.note(f"KNOWN LIMITATION [admin port claim]: a BASP header announcing 512 MiB on the "
             f"admin port (local only) grew B's VmRSS by {num(f, 'rss_growth_kib')} KiB while "
             f"held (closed_ms={num(f, 'closed_ms')}); CAF 0.17.6 sizes its read buffer from "
             f"the header")
    ctx.expect(h.run_nzctl(b, "status", timeout=10)[0] == 0,
               "B still serves nzctl status after the admin-port claim")

    # -- last: the per-client lockout through the admin port ---------------------------
    rogue.run("admin-lockout", ["admin-lockout"], *admin, "--lockout-client", "operator")
    res = h.run_nzctl(b, "status", client="operator")
    ctx.note(f"KNOWN LIMITATION [admin lockout]: a local process sent five wrong tokens in "
             f"the name of client 'operator' -> its status exits {res[0]} (the lockout "
             f"applies; local processes only: the admin port is bound to 127.0.0.1)")
    res = h.run_nzctl(b, "status")
    ctx.check(res[0] == 0, "other operator clients are not affected", h.fmt_result(res))
    for n in ("a", "b"):
        ctx.check(pair.nodes[n].stop() == 0, f"{n.upper()}: SIGTERM -> exit 0")


if __name__ == "__main__":
    h.main("rogue", body)
