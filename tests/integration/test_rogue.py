#!/usr/bin/python3
"""A rogue CAF node on a node's peer port (issue #5). Two trusted nodes A and B keep
a live session; nztest_rogue_node connects to B's peer port, reaches every actor of
B whose handle crossed the wire by guessing actor ids, and sends operator requests,
peer protocol messages, storage/trust/identity messages, forged responses, messages
with spoofed senders, exit/down/error messages, links, a remote spawn, config
server writes, a 64 MiB message and a header announcing a huge payload. None of it
may have any effect beyond being counted and dropped: B keeps running with the same
actors, trust list, kv records and audit log (except the auth failures of the two
wrong-token requests that reach the admin gate, which are counted by design), the
A-B session stays up, and nzcore_peer_dropped_total{reason="foreign_sender"} grows.

The attacks run in groups; after a group that did damage the damaged node is
restarted (and the session re-established) so that every group is judged on its own.
The rogue reports per phase which reachable actors disappeared ("RESULT gone")."""

import base64
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

IDS = "1-300"          # guessed actor ids (a fresh node uses ids below 100)
SETTLE_MS = "800"      # the rogue's wait for replies and for the node's reactions
CLAIM_MIB = 512        # payload announced by the raw BASP header of phase "claim"
CLAIM_LIMIT_KIB = 128 * 1024


def ctl_json(data, *cmd, timeout=15):
    """(rc, parsed JSON or None) of `nzctl --json CMD`; never raises."""
    rc, out, err = h.run_nzctl(data, *cmd, json_out=True, timeout=timeout)
    try:
        return rc, json.loads(out if rc == 0 else err)
    except ValueError:
        return rc, None


def metric(data, name, label=""):
    rc, out, _ = h.run_nzctl(data, "metrics", timeout=15)
    if rc != 0:
        return None
    for line in out.splitlines():
        if line.startswith(name) and label in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def reachable(data):
    return h.run_nzctl(data, "status", timeout=10)[0] == 0


class Pair:
    """Nodes A and B with mutual trust and a session A -> B."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.dirs = {"a": ctx.new_dir("a"), "b": ctx.new_dir("b")}
        self.nodes = {n: ctx.start_node(d) for n, d in self.dirs.items()}
        for n in self.nodes.values():
            h.wait_ready(n)
        self.ids = {}
        for n, d in self.dirs.items():
            _, j = ctl_json(d, "identity")
            ctx.check(j and "node_id" in j, f"{n.upper()}: identity", repr(j))
            self.ids[n] = (j["node_id"], base64.b64decode(j["ed25519_public"]).hex())
        a, b = self.dirs["a"], self.dirs["b"]
        ctx.check(h.run_nzctl(a, "trust", "add", self.ids["b"][1], "--level", "high")[0] == 0,
                  "A trusts B")
        ctx.check(h.run_nzctl(b, "trust", "add", self.ids["a"][1], "--level", "medium")[0] == 0,
                  "B trusts A")
        self.connect()

    @property
    def a(self):
        return self.dirs["a"]

    @property
    def b(self):
        return self.dirs["b"]

    def peer_port(self, n):
        return int((self.dirs[n] / "peer.port").read_text().strip())

    def session(self):
        """B's established session with A (dict) or None."""
        rc, j = ctl_json(self.b, "peers")
        if rc != 0 or not j:
            return None
        for p in j.get("peers", []):
            if p.get("node_id") == self.ids["a"][0] and p.get("state") == "established":
                return p
        return None

    def connect(self):
        def try_connect():
            if self.session():
                return True
            h.run_nzctl(self.a, "peers", "connect", f"127.0.0.1:{self.peer_port('b')}",
                        timeout=15)
            return bool(self.session())
        h.poll_until(try_connect, 30, "the A-B session", interval=0.3)
        self.baseline()

    def baseline(self):
        """What must not change while the rogue works (per process lifetime)."""
        self.since = self.session()["connected_since_ms"]
        self.restarts = {n: self.restart_counts(n) for n in self.dirs}

    def restart_counts(self, n):
        rc, j = ctl_json(self.dirs[n], "actors")
        if rc != 0 or not j:
            return None
        return {x["name"]: (x["state"], x["restarts"]) for x in j.get("actors", [])}

    def heal(self):
        """Restarts whatever the last group broke; re-establishes the session."""
        healed = []
        for n, node in list(self.nodes.items()):
            if node.running() and reachable(self.dirs[n]):
                continue
            healed.append(n.upper())
            node.stop(timeout=15)
            self.nodes[n] = self.ctx.start_node(self.dirs[n])
            h.wait_ready(self.nodes[n])
        s = self.session()
        if healed or not s or s["connected_since_ms"] != self.since:
            if healed:
                self.ctx.note(f"restarted {', '.join(healed)} after the damage above")
            self.connect()


def run_rogue(ctx, pair, label, phases, *extra):
    argv = [h.binary("NZTEST_ROGUE_NODE"), "--peer", f"127.0.0.1:{pair.peer_port('b')}",
            "--phases", ",".join(phases), "--ids", IDS, "--settle-ms", SETTLE_MS,
            "--watch-pid", str(pair.nodes["b"].pid), *extra]
    res = h.subprocess_run(argv, timeout=150)
    (ctx.root / f"rogue-{label}.out").write_text(res[1] + "\n--- stderr\n" + res[2])
    ctx.check(res[0] == 0, f"rogue [{label}] ran", h.fmt_result(res))
    results = []
    for line in res[1].splitlines():
        if line.startswith("RESULT "):
            words = line.split()[1:]
            fields = dict(w.split("=", 1) for w in words[1:] if "=" in w)
            results.append((words[0], fields))
    ctx.note(f"rogue [{label}]: " + "; ".join(
        f"{k} {' '.join(f'{a}={b}' for a, b in v.items())}" for k, v in results
        if k not in ("replies", "collector")))
    return results


def first(results, kind, **match):
    for k, f in results:
        if k == kind and all(f.get(a) == b for a, b in match.items()):
            return f
    return None


# CAF's own hidden helpers (one per connected node, spawned by the BASP broker to
# ask the other node's spawn server for "info"; unnamed: "scheduled_actor") are
# reachable and killable, and nothing of the node depends on them.
CAF_HELPER = "scheduled_actor"


def gone_actors(g):
    """The node's own actors among the ones a phase made disappear."""
    names = [a for a in (g or {}).get("actors", "").split(",") if a]
    return [a for a in names if a.split(":", 1)[-1] != CAF_HELPER]


def expect_nothing_gone(ctx, results, phases, node="target"):
    for ph in phases:
        g = first(results, "gone", phase=ph, node=node)
        ctx.expect(g is not None and not gone_actors(g),
                   f"{ph}: no actor of {'B' if node == 'target' else 'A'} reachable from "
                   f"the wire disappeared", f"gone: {gone_actors(g)} ({g})")


def expect_intact(ctx, pair, what):
    """B (and A) still serve nzctl, no supervised actor restarted, same session."""
    for n in ("b", "a"):
        node = pair.nodes[n]
        ctx.expect(node.running(), f"{what}: {n.upper()} still running")
        ok = reachable(pair.dirs[n])
        ctx.expect(ok, f"{what}: {n.upper()}'s admin gate still answers nzctl")
        if ok:
            ctx.expect(pair.restart_counts(n) == pair.restarts[n],
                       f"{what}: {n.upper()}'s actors all running, no restarts",
                       f"{pair.restart_counts(n)} vs {pair.restarts[n]}")
    s = pair.session()
    ctx.expect(s is not None and s["connected_since_ms"] == pair.since,
               f"{what}: the A-B session is the same one (never closed)", repr(s))
    res = h.run_nzctl(pair.a, "ping", pair.ids["b"][0][:16], timeout=15)
    ctx.expect(res[0] == 0, f"{what}: ping A -> B works", h.fmt_result(res))


def body(ctx):
    pair = Pair(ctx)
    a, b = pair.a, pair.b
    ctx.check(True, "A and B trust each other and have a session")

    # What must survive: a kv record, the trust list, the audit log.
    ctx.check(h.run_nzctl(b, "kv", "put", "keep", "k", "precious")[0] == 0, "B: kv put keep/k")
    trust_before = ctl_json(b, "trust", "list")[1]
    audit_before = ctl_json(b, "audit")[1]
    ctx.check(trust_before is not None and audit_before is not None,
              "B: trust list and audit log readable")
    seen_seq = max([e["seq"] for e in audit_before.get("events", [])] + [0])

    # -- 1: content spray: every message kind to every guessed id -------------------
    fs0 = metric(b, "nzcore_peer_dropped_total", 'reason="foreign_sender"')
    bad0 = metric(b, "nzcore_auth_failures_total", 'reason="bad_token"')
    r = run_rogue(ctx, pair, "content", ["content"])
    reach = first(r, "reachable", node="target")
    ctx.check(reach and int(reach["count"]) > 0, "the rogue reaches actors of B by guessed id",
              repr(reach))
    expect_nothing_gone(ctx, r, ["content"])
    expect_intact(ctx, pair, "content")
    bad1 = metric(b, "nzcore_auth_failures_total", 'reason="bad_token"')
    ctx.expect(bad1 is not None and bad1 - bad0 == 2,
               "the two operator requests with a wrong and an empty token that reached the "
               "admin gate are counted as auth failures", f"{bad0} -> {bad1}")
    _, au = ctl_json(b, "audit")
    new = [e for e in (au or {}).get("events", []) if e["seq"] > seen_seq]
    ctx.expect(len(new) == 2 and all(e["kind"] == "auth_failure" and e["source"] == "rogue"
                                     for e in new),
               "the audit log gained exactly those two auth failures", repr(new))
    seen_seq = max([e["seq"] for e in new] + [seen_seq])
    ctx.expect(ctl_json(b, "trust", "list")[1] == trust_before,
               "no operator command ran: B's trust list is unchanged")
    fs1 = metric(b, "nzcore_peer_dropped_total", 'reason="foreign_sender"')
    ctx.expect(fs1 is not None and fs1 > fs0, "B counted foreign_sender drops",
               f"{fs0} -> {fs1}")
    res = h.run_nzctl(b, "kv", "get", "rogue", "k")
    ctx.expect(res[0] != 0, "the rogue's kv_put did not store anything", h.fmt_result(res))
    pair.heal()

    # -- 2: a real handshake as an untrusted node, then with forged responses -------
    r = run_rogue(ctx, pair, "handshake", ["handshake", "forge"], "--hold-ms", "500")
    hs = first(r, "handshake")
    ctx.expect(hs and hs.get("verdict") == "refused",
               "baseline: the rogue's own handshake is refused (not trusted)", repr(hs))
    fg = first(r, "forge")
    ctx.expect(fg and fg.get("verdict") != "admitted",
               "forged trust_verdict responses (response message ids) do not get the "
               "untrusted rogue admitted", repr(fg))
    log = h.read_log(pair.nodes["b"])
    rogue_id = (fg or {}).get("node_id", "?")[:16]
    ctx.expect(f"session established with {rogue_id}" not in log,
               "B never established a session with the rogue", rogue_id)
    expect_intact(ctx, pair, "handshake/forge")
    pair.heal()

    # -- 3..: one attack per rogue run, each against an intact pair -------------------
    attacks = [
        # (phase, needs, what it tries); needs: the other node's peer port or pid
        ("spoof-local", None, "session control messages sent as B's own peer gate"),
        ("spoof-abort", "other", "peer_abort sent as A's session"),
        ("spoof-down", "other", "a down_msg naming A's session"),
        ("basp-down", "other", "BASP down messages naming A's actors (raw client)"),
        ("hijack", "other", "a raw BASP client claiming A's node id as B's route to A"),
        ("reflect", None, "unhandled messages whose sender is the receiver itself"),
        ("reflect-other", "other", "unhandled messages whose senders are A's actors"),
        ("route", "pid", "exit messages to A's actor ids, routed through B"),
        ("link", None, "B's actors linked to a session that then times out"),
        ("error", None, "a caf::error message to every id"),
        ("exit", None, "an exit_msg (user_shutdown) to every id"),
        ("kill", None, "an exit_msg (kill) to every id"),
    ]
    # Attacks on CAF's transport itself (BASP has no authentication of routes and
    # node ids): actor-level checks cannot stop them. They run and their effect is
    # reported, but they are known limitations until the peer plane leaves BASP
    # (docs/security.md, "Peer plane"; issue #5).
    known_transport = {"basp-down", "hijack"}
    for phase, needs, what in attacks:
        extra = {None: (), "other": ("--other", f"127.0.0.1:{pair.peer_port('a')}"),
                 "pid": ("--route-pid", str(pair.nodes["a"].pid))}[needs]
        if phase == "hijack":
            extra += ("--hold-ms", "6000")   # long enough for heartbeats to miss
        r = run_rogue(ctx, pair, phase, [phase], *extra)
        if phase in known_transport:
            s = pair.session()
            ctx.note(f"KNOWN LIMITATION [{phase}] ({what}): session "
                     f"{'kept' if s and s['connected_since_ms'] == pair.since else 'lost'}; "
                     f"B still running: {pair.nodes['b'].running()}")
            ctx.check(pair.nodes["b"].running() and pair.nodes["a"].running(),
                      f"{phase}: both nodes keep running")
            # Its aftermath (a cut route, sessions closed by the failure detector
            # seconds later) must not leak into the next attack: start both nodes
            # afresh and connect them again.
            for n, node in list(pair.nodes.items()):
                node.stop(timeout=15)
                pair.nodes[n] = ctx.start_node(pair.dirs[n])
                h.wait_ready(pair.nodes[n])
            pair.connect()
            continue
        g = first(r, "gone", phase=phase, node="target")
        ctx.expect(g is not None and int(g.get("before", "0")) > 0,
                   f"{phase}: the rogue reached actors of B", repr(g))
        expect_nothing_gone(ctx, r, [phase])
        if phase == "reflect-other":
            expect_nothing_gone(ctx, r, [phase], node="other")
        expect_intact(ctx, pair, f"{phase} ({what})")
        pair.heal()

    # -- CAF's own services and the middleman's limits -----------------------------
    bm0 = metric(b, "nzcore_peer_handshake_failures_total", 'reason="bad_message"')
    r = run_rogue(ctx, pair, "limits", ["configserv", "spawn", "big", "claim"],
                  "--claim-mib", str(CLAIM_MIB), "--hold-ms", "2000")
    cs = first(r, "configserv")
    ctx.expect(cs and cs.get("outcome") != "stored",
               "CAF's config server is not writable from the wire", repr(cs))
    sp = first(r, "spawn")
    ctx.expect(sp and sp.get("outcome") == "refused", "remote spawn is refused", repr(sp))
    big = first(r, "big")
    ctx.expect(big and big.get("gate_alive_after") == "yes",
               "after a 64 MiB message the peer gate still answers", repr(big))
    bm1 = metric(b, "nzcore_peer_handshake_failures_total", 'reason="bad_message"')
    ctx.expect(bm1 is not None and bm1 > bm0,
               "the oversized peer_hello is dropped and counted (bad_message)",
               f"{bm0} -> {bm1}")
    cl = first(r, "claim")
    growth = int((cl or {}).get("rss_growth_kib", "-1"))
    # Known limitation: CAF 0.17.6 sizes its read buffer from the BASP header before
    # any handshake; no middleman option bounds it.
    ctx.note(f"KNOWN LIMITATION [claim]: a header announcing {CLAIM_MIB} MiB grew B's RSS "
             f"by {growth} KiB while the connection was held")
    expect_intact(ctx, pair, "limits")
    pair.heal()

    # -- after everything ------------------------------------------------------------
    res = h.run_nzctl(b, "kv", "get", "keep", "k")
    ctx.check(res[0] == 0 and res[1].strip() == "precious", "B: the kv record is unchanged",
              h.fmt_result(res))
    ctx.check(ctl_json(b, "trust", "list")[1] == trust_before, "B: the trust list is unchanged")
    _, au = ctl_json(b, "audit")
    ctx.check(au is not None and au.get("intact") is True, "B: the audit chain is intact",
              repr(au)[:300])
    later = [e for e in au.get("events", []) if e["seq"] > seen_seq]
    ctx.check(not later, "B: nothing but the two auth failures was audited", repr(later))
    res = h.run_nzctl(a, "ping", pair.ids["b"][0][:16], timeout=15)
    ctx.check(res[0] == 0, "ping A -> B works at the end", h.fmt_result(res))

    # -- last: the operator plane from the peer port ---------------------------------
    # Five wrong tokens in the name of an operator's client: the admin gate must not
    # be reachable from the peer port at all, so the operator is not locked out.
    # Known limitation: the admin gate's handle crossed the wire to nzctl, so BASP
    # routes to it from the peer port too; the token still protects every command.
    r = run_rogue(ctx, pair, "lockout", ["lockout"], "--lockout-client", "operator")
    res = h.run_nzctl(b, "status", client="operator")
    ctx.note(f"KNOWN LIMITATION [lockout]: wrong tokens through the peer port in the name "
             f"of client 'operator' -> its status exits {res[0]} (the lockout applies)")
    res = h.run_nzctl(b, "status")
    ctx.check(res[0] == 0, "other operator clients are not affected", h.fmt_result(res))
    for n in ("a", "b"):
        ctx.check(pair.nodes[n].stop() == 0, f"{n.upper()}: SIGTERM -> exit 0")


if __name__ == "__main__":
    h.main("rogue", body)
