#!/usr/bin/python3
"""Five nodes in separate processes on loopback under peer-policy "trusted": a full
mesh (every node lists the four others as established), sealed pings across every
ordered pair, a wrong identity at an address refused, an untrusted node refused by
all five (in both directions), a node killed with -9 dropped by the four others
within a measured bound, and the mesh whole again after that node restarts on the
same data directory and dials the others."""

import base64
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

N = 5
# Bound for the four survivors to drop a node killed with -9. The session actor
# monitors its remote partner; CAF sees the TCP connection close at once on
# loopback (measured: well under a second), so this is generous.
DOWN_BOUND_S = 15.0
SESSION_WAIT_S = 20.0
CONFIG = """[nzcore]
peer-address="127.0.0.1"
peer-port=0
peer-policy="trusted"
peer-min-level=2
"""


def ctl_json(ctx, data, *cmd, want=0, what=None):
    res = h.run_nzctl(data, *cmd, json_out=True)
    if want is not None:
        ctx.check(res[0] == want, what or f"nzctl --json {' '.join(map(str, cmd))} -> {want}",
                  h.fmt_result(res))
    out = res[1] if res[0] == 0 else res[2]
    try:
        return res[0], json.loads(out)
    except ValueError:
        return res[0], {"_raw": res[1] + res[2]}


def peer_list(data):
    """All sessions a node lists (any state), or None when nzctl fails."""
    rc, out, _ = h.run_nzctl(data, "peers", json_out=True, timeout=15)
    if rc != 0:
        return None
    try:
        return json.loads(out).get("peers", [])
    except ValueError:
        return None


def established(data):
    return {p["node_id"]: p for p in (peer_list(data) or []) if p.get("state") == "established"}


def metric(data, name, label):
    rc, out, _ = h.run_nzctl(data, "metrics")
    total = 0.0
    for line in out.splitlines():
        if line.startswith(name) and label in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


T0 = time.monotonic()


def phase(ctx, what):
    ctx.note(f"[{time.monotonic() - T0:6.1f}s] {what}")


class Member:
    def __init__(self, ctx, name, cfg):
        self.ctx = ctx
        self.name = name
        self.cfg = cfg
        self.data = ctx.new_dir(name)
        self.node = None
        self.id = None
        self.key_hex = None

    def start(self):
        self.node = self.ctx.start_node(self.data, "--config", self.cfg)
        return self

    def ready(self):
        h.wait_ready(self.node)
        _, j = ctl_json(self.ctx, self.data, "identity")
        self.id = j["node_id"]
        self.key_hex = base64.b64decode(j["ed25519_public"]).hex()
        return self

    @property
    def port(self):
        return int((self.data / "peer.port").read_text().strip())

    def addr(self, node_id=None):
        return f"{node_id or self.id}@127.0.0.1:{self.port}"


def wait_mesh(ctx, members, what):
    """Every member lists exactly the others as established; returns the seconds."""
    t0 = time.monotonic()
    want = {m.name: {o.id for o in members if o is not m} for m in members}
    last = {}

    def whole():
        for m in members:
            last[m.name] = set(established(m.data))
        return all(last[m.name] == want[m.name] for m in members)

    try:
        h.poll_until(whole, SESSION_WAIT_S, what)
    except h.Failure:
        detail = "; ".join(f"{m.name}: {len(last.get(m.name, ()))} established, missing "
                           f"{sorted(x[:8] for x in want[m.name] - last.get(m.name, set()))}"
                           f", extra {sorted(x[:8] for x in last.get(m.name, set()) - want[m.name])}"
                           for m in members)
        ctx.check(False, what, detail)
    ctx.check(True, what)
    return time.monotonic() - t0


def ping_all(ctx, members, what):
    bad = []
    rtts = []
    for a in members:
        for b in members:
            if a is b:
                continue
            rc, j = ctl_json(ctx, a.data, "ping", b.id[:16], want=None)
            if rc != 0 or j.get("rtt_us", -1) <= 0:
                bad.append(f"{a.name}->{b.name}: rc={rc} {j}")
            else:
                rtts.append(j["rtt_us"])
    ctx.check(not bad, f"{what}: ping across all {len(members) * (len(members) - 1)} "
                       f"ordered pairs", "; ".join(bad))
    ctx.note(f"ping rtt: min {min(rtts)} us, max {max(rtts)} us")


def body(ctx):
    cfg = ctx.root / "nzcore.conf"
    cfg.write_text(CONFIG)
    members = [Member(ctx, f"n{i}", cfg) for i in range(1, N + 1)]
    for m in members:
        m.start()
    for m in members:
        m.ready()
    phase(ctx, "five nodes ready")
    ctx.check(len({m.id for m in members}) == N, "five distinct node ids")
    ports = {m.port for m in members}
    ctx.check(len(ports) == N, "five distinct OS-picked peer ports", repr(ports))

    # Mutual trust at "high" (>= peer-min-level 2).
    for a in members:
        for b in members:
            if a is not b:
                ctl_json(ctx, a.data, "trust", "add", b.key_hex, "--level", "high",
                         what=f"{a.name} trusts {b.name}")

    phase(ctx, "mutual trust recorded")
    # Full mesh: n_i dials n_j for i < j, with the expected node id.
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            _, j = ctl_json(ctx, a.data, "peers", "connect", b.addr(),
                            what=f"{a.name} -> {b.name}: peers connect")
            ctx.check(j.get("connected") == b.id, f"{a.name} -> {b.name}: session with "
                                                  f"{b.name}'s node id", repr(j))
    secs = wait_mesh(ctx, members, "full mesh: every node lists the 4 others as established")
    ctx.note(f"mesh complete {secs:.2f}s after the last connect")
    for i, a in enumerate(members):
        sess = established(a.data)
        wrong = [b.name for b in members if b is not a
                 and sess[b.id]["outbound"] != (members.index(b) > i)]
        ctx.expect(not wrong, f"{a.name}: outbound exactly to the nodes it dialled", repr(wrong))
        ctx.expect(all(p["trust_level"] == 3 for p in sess.values()),
                   f"{a.name}: every peer shows trust level 3 (high)", repr(sess))
    ping_all(ctx, members, "mesh")
    phase(ctx, "full mesh checked")

    # A wrong identity at an address: n1 expects n3 at n2's address -> refused; the
    # mesh is untouched.
    n1, n2, n3 = members[0], members[1], members[2]
    before = metric(n1.data, "nzcore_peer_handshake_failures_total",
                    'reason="unexpected_identity"')
    res = h.run_nzctl(n1.data, "peers", "connect", n2.addr(node_id=n3.id))
    ctx.check(res[0] not in (0, -999), "n1 expecting n3's id at n2's address is refused",
              h.fmt_result(res))
    h.poll_until(lambda: metric(n1.data, "nzcore_peer_handshake_failures_total",
                                'reason="unexpected_identity"') > before,
                 10, "n1 counts unexpected_identity")
    ctx.check(True, "n1 counts the refusal as unexpected_identity")
    wait_mesh(ctx, members, "mesh unchanged after the wrong-identity attempt")

    # An untrusted node: a fresh identity nobody trusts (it trusts all five, so the
    # refusal is theirs). Refused by every node, dialling and dialled.
    phase(ctx, "wrong identity checked")
    u = Member(ctx, "untrusted", cfg).start().ready()
    for m in members:
        ctl_json(ctx, u.data, "trust", "add", m.key_hex, "--level", "high",
                 what=f"untrusted trusts {m.name}")
    for m in members:
        before = metric(m.data, "nzcore_peer_handshake_failures_total", 'reason="not_trusted"')
        res = h.run_nzctl(u.data, "peers", "connect", m.addr())
        ctx.check(res[0] not in (0, -999) and "not_trusted" not in res[2],
                  f"untrusted -> {m.name} refused, reason not disclosed", h.fmt_result(res))
        h.poll_until(lambda: metric(m.data, "nzcore_peer_handshake_failures_total",
                                    'reason="not_trusted"') > before,
                     10, f"{m.name} counts not_trusted")
        res = h.run_nzctl(m.data, "peers", "connect", u.addr())
        ctx.check(res[0] not in (0, -999),
                  f"{m.name} -> untrusted refused by {m.name}'s own policy", h.fmt_result(res))
    ctx.check(not established(u.data), "the untrusted node has no session",
              repr(peer_list(u.data)))
    wait_mesh(ctx, members, "mesh unchanged: nobody lists the untrusted node")
    ctx.check(u.node.stop() == 0, "untrusted node: SIGTERM -> exit 0")

    phase(ctx, "untrusted node checked")
    # kill -9 of n3 (it has outbound and inbound sessions): the four others drop it.
    victim = members[2]
    others = [m for m in members if m is not victim]
    victim.node.kill9()
    t0 = time.monotonic()
    gone_at = {}

    def all_dropped():
        for m in others:
            if m.name in gone_at:
                continue
            lst = peer_list(m.data)
            if lst is not None and all(p.get("node_id") != victim.id for p in lst):
                gone_at[m.name] = time.monotonic() - t0
        return len(gone_at) == len(others)

    try:
        h.poll_until(all_dropped, DOWN_BOUND_S, "the survivors drop the killed n3")
    except h.Failure as e:
        ctx.check(False, f"all four drop the killed n3 within {DOWN_BOUND_S:.0f}s",
                  f"{e}; dropped so far {gone_at}")
    worst = max(gone_at.values())
    ctx.check(worst < DOWN_BOUND_S,
              f"all four drop the killed n3 within {DOWN_BOUND_S:.0f}s")
    ctx.note("n3 dropped after " + ", ".join(f"{k} {v * 1000:.0f} ms"
                                             for k, v in sorted(gone_at.items())))
    for m in others:
        ctx.check(set(established(m.data)) == {o.id for o in others if o is not m},
                  f"{m.name} keeps its 3 other sessions")
    res = h.run_nzctl(n1.data, "ping", victim.id)
    ctx.check(res[0] not in (0, -999), "ping to the killed n3 fails clearly", h.fmt_result(res))
    ping_all(ctx, others, "the four survivors")

    # Restart n3 on the same data directory (same identity and trust, new peer
    # port); it dials the four others and the mesh is whole again.
    phase(ctx, "kill -9 checked")
    old_port = victim.port
    victim.start()
    victim.ready()
    ctx.note(f"n3 restarted: peer port {old_port} -> {victim.port}")
    # A restarted node also redials the peers in its durable peer cache (those it
    # had dialled) by itself; `peers connect` covers the others. A connect that
    # races such a redial loses the tie-break ("refused") while the redialled
    # session stands: that counts as connected.
    auto = []
    for m in others:
        if m.id in established(victim.data):
            auto.append(m.name)
            continue
        rc, j = ctl_json(ctx, victim.data, "peers", "connect", m.addr(), want=None)
        if rc == 0:
            ctx.check(j.get("connected") == m.id, f"restarted n3 -> {m.name}: session",
                      repr(j))
            continue
        try:
            h.poll_until(lambda: m.id in established(victim.data), 10,
                         f"n3's session with {m.name}")
        except h.Failure:
            ctx.check(False, f"restarted n3 -> {m.name}: peers connect",
                      f"rc={rc} {j}, and no session with {m.name}")
        ctx.check(True, f"restarted n3 -> {m.name}: session (its own redial won the race "
                        f"with peers connect: rc={rc})")
    ctx.note("reconnected by n3's own redial before any command: "
             + (", ".join(auto) if auto else "none"))
    secs = wait_mesh(ctx, members, "mesh whole again after n3's restart")
    ctx.note(f"mesh whole {secs:.2f}s after the last reconnect")
    ping_all(ctx, members, "mesh after restart")

    phase(ctx, "restart checked")
    for m in members:
        ctx.check(m.node.stop() == 0, f"{m.name}: SIGTERM -> exit 0 with live sessions")
    phase(ctx, "all stopped")


if __name__ == "__main__":
    h.main("cluster5", body)
