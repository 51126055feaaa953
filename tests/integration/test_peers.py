#!/usr/bin/python3
"""Peer sessions between real nodes on loopback: Noise XX bound to the nodes'
identities, admission by trust policy, sealed ping frames, refusals that tell the
other side nothing, a wrong identity at an address, and session teardown when a
peer is killed with -9."""

import base64
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402


def ctl_json(ctx, data, *cmd, want=0):
    res = h.run_nzctl(data, *cmd, json_out=True)
    if want is not None:
        ctx.check(res[0] == want, f"nzctl --json {' '.join(map(str, cmd))} -> {want}",
                  h.fmt_result(res))
    try:
        return res[0], json.loads(res[1] if res[0] == 0 else res[2])
    except ValueError:
        return res[0], {"_raw": res[1] + res[2]}


def ident(ctx, data):
    _, j = ctl_json(ctx, data, "identity")
    return j["node_id"], base64.b64decode(j["ed25519_public"]).hex()


def peer_port(data):
    return int((data / "peer.port").read_text().strip())


def metric(data, name, label):
    rc, out, _ = h.run_nzctl(data, "metrics")
    for line in out.splitlines():
        if line.startswith(name) and label in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def sessions(ctx, data):
    _, j = ctl_json(ctx, data, "peers")
    return {p["node_id"]: p for p in j.get("peers", []) if p["state"] == "established"}


def body(ctx):
    dirs = {n: ctx.new_dir(n) for n in ("a", "b", "c")}
    nodes = {n: ctx.start_node(d) for n, d in dirs.items()}
    for n in nodes.values():
        h.wait_ready(n)
    ids = {n: ident(ctx, d) for n, d in dirs.items()}
    a, b, c = dirs["a"], dirs["b"], dirs["c"]

    # Untrusted: B refuses A under the default policy "trusted" (min medium).
    res = h.run_nzctl(a, "peers", "connect", f"127.0.0.1:{peer_port(b)}")
    ctx.check(res[0] != 0, "A -> B refused while neither trusts the other", h.fmt_result(res))

    # Mutual trust, then the session comes up on both sides.
    h.run_nzctl(a, "trust", "add", ids["b"][1], "--level", "high")
    h.run_nzctl(b, "trust", "add", ids["a"][1], "--level", "medium")
    rc, j = ctl_json(ctx, a, "peers", "connect", f"127.0.0.1:{peer_port(b)}")
    ctx.check(j.get("connected") == ids["b"][0], "A -> B: session with B's node id", repr(j))
    sa = sessions(ctx, a)
    sb = h.poll_until(lambda: sessions(ctx, b) or None, 10, "B lists the session")
    ctx.check(ids["b"][0] in sa and sa[ids["b"][0]]["outbound"], "A lists B (outbound)",
              repr(sa))
    ctx.check(ids["a"][0] in sb and not sb[ids["a"][0]]["outbound"], "B lists A (inbound)",
              repr(sb))
    ctx.expect(sa[ids["b"][0]]["trust_level"] == 3 and sb[ids["a"][0]]["trust_level"] == 2,
               "each side shows the other's effective trust level", f"{sa} {sb}")

    # Sealed pings.
    for i in range(3):
        rc, p = ctl_json(ctx, a, "ping", ids["b"][0][:12])
        ctx.check(p.get("rtt_us", -1) > 0, f"ping {i + 1} A -> B has a round trip time", repr(p))
    rc, p = ctl_json(ctx, b, "ping", ids["a"][0])
    ctx.check(p.get("rtt_us", -1) > 0, "ping B -> A over the same session", repr(p))
    sa = sessions(ctx, a)
    ctx.expect(sa[ids["b"][0]]["frames_out"] >= 3 and sa[ids["b"][0]]["frames_in"] >= 4,
               "frames are counted", repr(sa))

    # Trust sync over the session: A lets B vouch (delegation), B trusts a new key;
    # B's signed assertion reaches A through the sealed session and counts there,
    # capped by the delegation, with B on the path.
    h.run_nzctl(a, "trust", "delegate", ids["b"][1], "--depth", "1", "--max-level", "medium")
    new_key = os.urandom(32).hex()
    h.run_nzctl(b, "trust", "add", new_key, "--level", "high")

    def synced():
        rc, v = ctl_json(ctx, a, "trust", "show", new_key, want=None)
        return v if rc == 0 and v.get("level") == "medium" else None
    v = h.poll_until(synced, 30, "B's new assertion synced to A and counted (medium)")
    ctx.check([p["issuer"] for p in v.get("path", [])] == [ids["a"][0], ids["b"][0]],
              "A's path for the synced key is A -> B", repr(v.get("path")))
    _, lst = ctl_json(ctx, a, "trust", "list")
    ctx.expect(any(e["issuer"] == ids["b"][0] and e["subject_key"] == new_key
                   for e in lst.get("entries", [])),
               "A's trust list shows the assertion and that it came from B", repr(lst)[:300])
    ctx.expect(metric(a, "nzcore_trust_syncs_total", 'result="accepted"') >= 1,
               "A counts accepted trust syncs")

    # Channels: B listens, A sends two messages in order; a request gets the
    # reply B sends back with --reply-to.
    listener = ctx.spawn([h.binary("NZCTL"), "--data", b, "listen", "chat", "--count", "2"],
                         "listen", pipe_stdout=False)
    # The listener's first poll finds "now"; give it that round trip.
    h.poll_until(lambda: metric(b, "nzcore_operator_requests_total", 'command="listen"') >= 1,
                 10, "the listener polls")
    for text in ("hello over a sealed channel", "second message"):
        res = h.run_nzctl(a, "send", ids["b"][0][:16], "chat", text)
        ctx.check(res[0] == 0, f"A sends '{text}'", h.fmt_result(res))
    ctx.check(listener.wait(20) == 0, "B's listener got two messages and stopped")
    out = listener.stdout_text()
    ctx.check(out.index("hello over a sealed channel") < out.index("second message")
              and ids["a"][0][:16] in out, "in order, from A", repr(out))
    res = h.run_nzctl(a, "send", "0123456789abcdef", "chat", "x")
    ctx.check(res[0] != 0 and "no session" in res[2],
              "a message to an unconnected peer fails clearly", h.fmt_result(res))
    res = h.run_nzctl(a, "send", ids["b"][0], "Bad Channel", "x")
    ctx.check(res[0] == 2, "a bad channel name is a bad request", h.fmt_result(res))
    req = ctx.spawn([h.binary("NZCTL"), "--data", a, "request", ids["b"][0], "rpc",
                     "what is the answer", "--wait", "15"], "request")

    def incoming():
        rc, j = ctl_json(ctx, b, "listen", "rpc", "--from-start", "--count", "1", want=None)
        return j if rc == 0 and j.get("messages") else None
    got = h.poll_until(incoming, 15, "B sees the request")
    msg = got["messages"][0]
    ctx.check(msg["payload"] == "what is the answer" and msg["from"] == ids["a"][0],
              "the request arrives with its sender", repr(msg))
    res = h.run_nzctl(b, "send", ids["a"][0], "rpc", "42", "--reply-to", msg["id"])
    ctx.check(res[0] == 0, "B replies", h.fmt_result(res))
    ctx.check(req.wait(20) == 0 and req.stdout_text() == "42",
              "A's request returns B's reply", repr(req.stdout_text()))

    # C is trusted by nobody: B refuses it; the refusal is counted on B by reason,
    # and C learns nothing but a generic failure.
    h.run_nzctl(c, "trust", "add", ids["b"][1], "--level", "high")
    before = metric(b, "nzcore_peer_handshake_failures_total", 'reason="not_trusted"')
    res = h.run_nzctl(c, "peers", "connect", f"127.0.0.1:{peer_port(b)}")
    ctx.check(res[0] != 0 and "not_trusted" not in res[2],
              "C -> B refused, and C is not told why", h.fmt_result(res))
    h.poll_until(lambda: metric(b, "nzcore_peer_handshake_failures_total",
                                'reason="not_trusted"') > before,
                 10, "B counts the refusal as not_trusted")
    ctx.check(set(sessions(ctx, b)) == {ids["a"][0]}, "B still has only A")

    # A node with a different identity at an address: refused.
    h.run_nzctl(a, "trust", "add", ids["c"][1], "--level", "high")
    h.run_nzctl(c, "trust", "add", ids["a"][1], "--level", "high")
    res = h.run_nzctl(a, "peers", "connect", f"{ids['b'][0]}@127.0.0.1:{peer_port(c)}")
    ctx.check(res[0] != 0, "A expecting B at C's address is refused", h.fmt_result(res))
    rc, j = ctl_json(ctx, a, "peers", "connect", f"{ids['c'][0]}@127.0.0.1:{peer_port(c)}")
    ctx.check(j.get("connected") == ids["c"][0], "A -> C with C's expected id works", repr(j))

    # kill -9 of B: A's session with B goes away; C's stays.
    b_port = peer_port(b)
    nodes["b"].kill9()
    h.poll_until(lambda: ids["b"][0] not in sessions(ctx, a) or None, 20,
                 "A drops the session with the killed B")
    ctx.check(ids["c"][0] in sessions(ctx, a), "A keeps its session with C")
    res = h.run_nzctl(a, "ping", ids["b"][0])
    ctx.check(res[0] != 0, "ping to the killed B fails clearly", h.fmt_result(res))

    # B comes back on the same peer port: A redials it by itself (backoff with
    # jitter), and the session carries pings again.
    cfg = ctx.root / "b.conf"
    cfg.write_text(f"[nzcore]\npeer-port={b_port}\n")
    nodes["b"] = ctx.start_node(b, "--config", cfg)
    h.wait_ready(nodes["b"])
    h.poll_until(lambda: ids["b"][0] in sessions(ctx, a) or None, 40,
                 "A redials B after its restart")
    rc, p = ctl_json(ctx, a, "ping", ids["b"][0])
    ctx.check(p.get("rtt_us", -1) > 0, "ping A -> restarted B", repr(p))
    _, j = ctl_json(ctx, a, "peers")
    ctx.expect(all(0 <= x.get("phi", -1) < 8 for x in j.get("peers", [])),
               "peers shows a phi below the threshold for live peers", repr(j))

    # The peer cache is durable: A restarted without any bootstrap list dials the
    # peers it was connected to (C, and B on its same port) by itself.
    ctx.check(nodes["a"].stop() == 0, "A: SIGTERM -> exit 0")
    nodes["a"] = ctx.start_node(a)
    h.wait_ready(nodes["a"])
    h.poll_until(lambda: {ids["b"][0], ids["c"][0]} <= set(sessions(ctx, a)) or None, 30,
                 "restarted A reconnects to B and C from its peer cache")
    st = h.status(ctx, a)
    ctx.expect(any(r.get("actor") == "peers" for r in st.get("recovery", [])),
               "status shows the peer cache's replay", repr(st.get("recovery")))

    for n in ("a", "b", "c"):
        ctx.check(nodes[n].stop() == 0, f"{n.upper()}: SIGTERM -> exit 0 with a live session")


if __name__ == "__main__":
    h.main("peers", body)
