#!/usr/bin/python3
"""Peer sessions between hosts: three nodes, each in its own network namespace with
its own address 10.77.X.{1,2,3}/24 on a bridge (in a fourth, "hub" namespace, so
nothing is added to the host's own network), each publishing its peer gate on that
address, with its admin gate on 127.0.0.1 inside its namespace (so nzctl runs in the
namespace too). Proves that nothing assumes loopback: the gates listen on the real
addresses only, sessions come up across namespaces by those addresses (full mesh,
node ids checked), the TCP connections run between the real addresses, pings cross
every pair, a node's peer port is not reachable over another namespace's loopback,
and a cut link (no FIN, no RST) is detected by the heartbeats: the sessions with the
cut-off node are closed on both sides, and after the link is restored the dialling
nodes redial and the mesh is whole again.

Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and iproute2 (`ip`); without them it
prints "SKIP: integration.netns: <why>" and exits 0. Namespaces are named
nzt-<driver pid>-<random>-*; they are deleted at the end, pass or fail, and a later
run deletes those left behind by a driver that was killed."""

import json
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

IP = shutil.which("ip") or "/usr/sbin/ip"
PREFIX = f"nzt-{os.getpid()}-{secrets.token_hex(2)}"
NAMES = ("a", "b", "c")
SUBNET = f"10.77.{secrets.randbelow(254) + 1}"   # private test range, namespaces only
CUT_DETECT_BOUND_S = 30.0   # phi-accrual suspicion at 1 s beats: ~3.5-8 s (docs)
HEAL_BOUND_S = 90.0         # redial backoff ceiling is 30 s (+ connect timeouts)


def run(argv, timeout=30):
    return h.subprocess_run(argv, timeout)


def ipcmd(*args, timeout=30):
    return run([IP, *args], timeout)


# -- namespaces ----------------------------------------------------------------

def list_netns():
    rc, out, _ = ipcmd("netns", "list")
    return [line.split()[0] for line in out.splitlines() if line.strip()] if rc == 0 else []


def delete_stale():
    """Deletes nzt-<pid>-* namespaces whose driver process is gone."""
    for ns in list_netns():
        m = re.match(r"nzt-(\d+)-[0-9a-f]+-", ns)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue            # its driver still runs
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        ipcmd("netns", "del", ns)
        print(f"     # deleted stale namespace {ns}", flush=True)


def delete_ours():
    """Deletes every namespace of this run; returns those that remain."""
    for ns in list_netns():
        if ns.startswith(PREFIX + "-"):
            ipcmd("netns", "del", ns)
    return [ns for ns in list_netns() if ns.startswith(PREFIX + "-")]


def probe():
    """None when namespaces can be used here, else the reason to skip."""
    if os.geteuid() != 0:
        return "not root (needs CAP_NET_ADMIN and CAP_SYS_ADMIN for ip netns)"
    if not os.path.isfile(IP) or not os.access(IP, os.X_OK):
        return "iproute2 ('ip') is not installed"
    ns = f"{PREFIX}-probe"
    rc, out, err = ipcmd("netns", "add", ns)
    if rc != 0:
        return f"'ip netns add' failed: {err.strip() or out.strip()}"
    rc2, _, err2 = run([IP, "netns", "exec", ns, IP, "link", "set", "lo", "up"])
    ipcmd("netns", "del", ns)
    if rc2 != 0:
        return f"'ip netns exec' failed: {err2.strip()}"
    return None


def setup_network(ctx):
    """hub namespace with bridge br0; per node a namespace with eth0 (veth to the
    bridge) at SUBNET.<i>/24 and lo up. Returns {name: (ns, address)}."""
    hub = f"{PREFIX}-hub"
    nets = {}
    steps = [("netns", "add", hub),
             ("-n", hub, "link", "add", "br0", "type", "bridge"),
             ("-n", hub, "link", "set", "br0", "up")]
    for i, n in enumerate(NAMES, 1):
        ns = f"{PREFIX}-{n}"
        addr = f"{SUBNET}.{i}"
        nets[n] = (ns, addr)
        steps += [("netns", "add", ns),
                  ("-n", hub, "link", "add", f"v{n}", "type", "veth", "peer", "name",
                   "eth0", "netns", ns),
                  ("-n", hub, "link", "set", f"v{n}", "master", "br0", "up"),
                  ("-n", ns, "link", "set", "lo", "up"),
                  ("-n", ns, "addr", "add", f"{addr}/24", "dev", "eth0"),
                  ("-n", ns, "link", "set", "eth0", "up")]
    for step in steps:
        res = ipcmd(*step)
        ctx.check(res[0] == 0, f"ip {' '.join(step)}", h.fmt_result(res))
    ctx.check(True, f"namespaces {PREFIX}-{{hub,a,b,c}}: bridge, veths, {SUBNET}.1-3/24")
    return hub, nets


# -- nodes in namespaces -------------------------------------------------------

class NsNode(h.Node):
    """`ip netns exec NS nzcore run ...` (ip execs nzcore: same pid, so signals and
    PR_SET_PDEATHSIG reach the node itself)."""

    def __init__(self, ctx, name, ns, addr, data, args):
        self.name = name
        self.ns = ns
        self.addr = addr
        self.data = pathlib.Path(data)
        self.node_id = None
        h.Proc.__init__(self, ctx, [IP, "netns", "exec", ns, h.binary("NZCORE"), "run",
                                    "--data", self.data, *args], ctx._label(f"nzcore-{name}"))
        ctx._nodes.append(self)

    def ctl(self, *cmd, json_out=True, timeout=h.NZCTL_TIMEOUT):
        argv = [IP, "netns", "exec", self.ns, h.binary("NZCTL"), "--data", self.data]
        if json_out:
            argv.append("--json")
        return run(argv + [str(c) for c in cmd], timeout)

    def ctl_json(self, ctx, *cmd, want=0, what=None):
        res = self.ctl(*cmd)
        if want is not None:
            ctx.check(res[0] == want,
                      what or f"{self.name}: nzctl --json {' '.join(map(str, cmd))} -> {want}",
                      h.fmt_result(res))
        try:
            return res[0], json.loads(res[1] if res[0] == 0 else res[2])
        except ValueError:
            return res[0], {"_raw": res[1] + res[2]}

    def wait_ready(self, timeout=h.READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = None
        while True:
            if self.returncode is not None:
                raise h.Failure(f"{self.label} exited with {self.returncode} before it was "
                                f"ready (output below)")
            try:
                fresh = ((self.data / "admin.port").stat().st_mtime >= self.start_wall - 0.05
                         and (self.data / "peer.port").exists())
            except FileNotFoundError:
                fresh = False
            if fresh:
                last = self.ctl("status", timeout=10)
                if last[0] == 0:
                    return
            if time.monotonic() >= deadline:
                raise h.Failure(f"{self.label} not ready after {timeout:.0f}s (last status: "
                                f"{h.fmt_result(last) if last else 'not tried'})")
            time.sleep(h.POLL_INTERVAL)

    @property
    def peer_port(self):
        return int((self.data / "peer.port").read_text().strip())

    @property
    def admin_port(self):
        return int((self.data / "admin.port").read_text().strip())

    def peers(self):
        rc, out, _ = self.ctl("peers", timeout=15)
        if rc != 0:
            return None
        try:
            return json.loads(out).get("peers", [])
        except ValueError:
            return None

    def established(self):
        return {p["node_id"]: p for p in (self.peers() or []) if p.get("state") == "established"}


def ns_sockets(ns, state):
    """`ss -tnH state STATE` in NS: list of (local, peer) address:port strings."""
    rc, out, _ = run([IP, "netns", "exec", ns, "ss", "-tnH", "state", state])
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4:
            rows.append((f[-2], f[-1]))
    return rows


def tcp_probe(ns, host, port, timeout=2.0):
    """Opens (and closes) a TCP connection from inside NS: 'ok' or the error."""
    code = ("import socket,sys\n"
            "try:\n"
            f"    socket.create_connection(({host!r}, {port}), {timeout}).close()\n"
            "    print('ok')\n"
            "except OSError as e:\n"
            "    print(type(e).__name__, e)\n")
    rc, out, err = run([IP, "netns", "exec", ns, sys.executable, "-c", code], timeout + 10)
    return out.strip() or err.strip()


# -- the test ------------------------------------------------------------------

def wait_mesh(ctx, nodes, what, timeout):
    want = {n.name: {m.node_id for m in nodes if m is not n} for n in nodes}
    last = {}

    def whole():
        for n in nodes:
            last[n.name] = set(n.established())
        return all(last[n.name] == want[n.name] for n in nodes)

    t0 = time.monotonic()
    try:
        h.poll_until(whole, timeout, what, interval=0.1)
    except h.Failure:
        ctx.check(False, what, "; ".join(
            f"{n.name} lists {sorted(x[:8] for x in last.get(n.name, ()))}" for n in nodes))
    ctx.check(True, what)
    return time.monotonic() - t0


def ping_all(ctx, nodes, what):
    bad = []
    for a in nodes:
        for b in nodes:
            if a is b:
                continue
            rc, j = a.ctl_json(ctx, "ping", b.node_id[:16], want=None)
            if rc != 0 or j.get("rtt_us", -1) <= 0:
                bad.append(f"{a.name}->{b.name}: rc={rc} {j}")
    ctx.check(not bad, f"{what}: sealed ping across all {len(nodes) * (len(nodes) - 1)} "
                       f"ordered pairs", "; ".join(bad))


def body(ctx):
    hub = None
    nodes = []
    try:
        hub, nets = setup_network(ctx)
        pf = ctx.passphrase_file()
        for name in NAMES:
            ns, addr = nets[name]
            data = ctx.new_dir(name)
            ctx.init_identity(data)
            cfg = ctx.root / f"{name}.conf"
            cfg.write_text("[nzcore]\n"
                           f'peer-address="{addr}"\n'
                           "peer-port=0\n"
                           'peer-policy="trusted"\n'
                           "peer-min-level=2\n")
            nodes.append(NsNode(ctx, name, ns, addr, data,
                                ["--passphrase-file", pf, "--config", cfg]))
        for n in nodes:
            n.wait_ready()
            _, j = n.ctl_json(ctx, "identity")
            n.node_id = j["node_id"]
            n.key = j["ed25519_public"]
        ctx.check(True, "three nodes ready, each in its own namespace")
        a, b, c = nodes

        # The gates: the peer gate on the namespace's own address only, the admin
        # gate on 127.0.0.1 inside the namespace.
        for n in nodes:
            listening = [local for local, _ in ns_sockets(n.ns, "listening")]
            ctx.check(f"{n.addr}:{n.peer_port}" in listening,
                      f"{n.name}: peer gate listens on {n.addr}:{n.peer_port}", repr(listening))
            ctx.check(all(not l.endswith(f":{n.peer_port}") or l == f"{n.addr}:{n.peer_port}"
                          for l in listening),
                      f"{n.name}: peer port bound to {n.addr} only (not 127.0.0.1, not *)",
                      repr(listening))
            ctx.check(f"127.0.0.1:{n.admin_port}" in listening,
                      f"{n.name}: admin gate on 127.0.0.1 inside its namespace",
                      repr(listening))
        # The link works (before any node-level check depends on it).
        for x, y in ((a, b), (a, c), (b, c)):
            h.poll_until(lambda: tcp_probe(x.ns, y.addr, y.peer_port) == "ok", 20,
                         f"TCP from {x.name} to {y.addr}:{y.peer_port}", interval=0.2)
        ctx.check(True, "TCP reaches every node's peer gate across the bridge")
        # Isolation: B's peer port is not on A's loopback, and the host's own
        # network namespace has no route into the test subnet.
        r = tcp_probe(a.ns, "127.0.0.1", b.peer_port)
        ctx.check(r != "ok", f"{a.name}: 127.0.0.1:{b.peer_port} (b's port) is not b", r)
        r = tcp_probe_host(b.addr, b.peer_port)
        ctx.check(r != "ok", f"host namespace cannot reach {b.addr}", r)

        # Mutual trust, then a full mesh by the real addresses with expected ids.
        for x in nodes:
            for y in nodes:
                if x is not y:
                    x.ctl_json(ctx, "trust", "add", y.key, "--level", "high",
                               what=f"{x.name} trusts {y.name}")
        for x, y in ((a, b), (a, c), (b, c)):
            target = f"{y.node_id}@{y.addr}:{y.peer_port}"
            _, j = x.ctl_json(ctx, "peers", "connect", target,
                              what=f"{x.name} -> {target[:8]}..@{y.addr}:{y.peer_port}")
            ctx.check(j.get("connected") == y.node_id,
                      f"{x.name} -> {y.name} across namespaces: session with {y.name}'s id",
                      repr(j))
        wait_mesh(ctx, nodes, "full mesh across namespaces: each node lists the 2 others",
                  20)
        for x, y in ((a, b), (a, c), (b, c)):
            p = x.established()[y.node_id]
            ctx.check(p["outbound"] and p["address"] == f"{y.addr}:{y.peer_port}",
                      f"{x.name} shows its session with {y.name} at {y.addr}:{y.peer_port}",
                      repr(p))
        conns = ns_sockets(a.ns, "established")
        for y in (b, c):
            ctx.check(any(l.startswith(f"{a.addr}:") and p == f"{y.addr}:{y.peer_port}"
                          for l, p in conns),
                      f"TCP connection {a.addr} -> {y.addr}:{y.peer_port} in {a.name}'s "
                      f"namespace", repr(conns))
        ctx.check(not any(p.startswith("127.") and not l.endswith(f":{a.admin_port}")
                          and not p.endswith(f":{a.admin_port}") for l, p in conns),
                  f"{a.name}: no peer traffic over loopback", repr(conns))
        ping_all(ctx, nodes, "across namespaces")

        # Dialling another node's port over loopback fails: nothing is there.
        res = a.ctl("peers", "connect", f"127.0.0.1:{b.peer_port}", json_out=False)
        ctx.check(res[0] not in (0, -999),
                  f"{a.name}: peers connect 127.0.0.1:{b.peer_port} (b's port, wrong host) "
                  f"fails", h.fmt_result(res))

        # Cut c's link on the bridge: no FIN, no RST. The heartbeats (phi accrual)
        # close the sessions with c on a and b, and c's sessions on c.
        res = ipcmd("-n", hub, "link", "set", "vc", "down")
        ctx.check(res[0] == 0, "cut c's link (hub: vc down)", h.fmt_result(res))
        t0 = time.monotonic()
        # A ping sent while the session still stands gets no pong (run alongside).
        ping_res = []
        pinger = threading.Thread(target=lambda: ping_res.append(
            a.ctl("ping", c.node_id[:16], json_out=False)))
        pinger.start()
        gone = {}

        def dropped():
            for x, others in ((a, [c]), (b, [c]), (c, [a, b])):
                if x.name in gone:
                    continue
                lst = x.peers()
                ids = {p.get("node_id") for p in lst} if lst is not None else None
                if ids is not None and not any(o.node_id in ids for o in others):
                    gone[x.name] = time.monotonic() - t0
            return len(gone) == 3

        try:
            h.poll_until(dropped, CUT_DETECT_BOUND_S, "sessions over the cut link closed",
                         interval=0.1)
        except h.Failure as e:
            ctx.check(False, f"sessions over the cut link closed within "
                             f"{CUT_DETECT_BOUND_S:.0f}s on both sides", f"{e}; so far {gone}")
        ctx.check(True, f"sessions over the cut link closed within {CUT_DETECT_BOUND_S:.0f}s "
                        f"on both sides")
        ctx.note("cut detected after " + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(gone.items())))
        pinger.join(h.NZCTL_TIMEOUT + 5)
        ctx.check(ping_res and ping_res[0][0] not in (0, -999),
                  "ping a -> c sent over the cut link fails",
                  h.fmt_result(ping_res[0]) if ping_res else "no result")
        ctx.note(f"the ping's answer: {ping_res[0][2].strip()[:200]}")
        ctx.check(set(a.established()) == {b.node_id}, "a keeps its session with b")

        # Restore the link: a and b dialled c, so they redial it (backoff with
        # jitter) and the mesh is whole again without any command.
        res = ipcmd("-n", hub, "link", "set", "vc", "up")
        ctx.check(res[0] == 0, "restore c's link (hub: vc up)", h.fmt_result(res))
        secs = wait_mesh(ctx, nodes, "mesh whole again after the link is restored "
                                     "(automatic redial)", HEAL_BOUND_S)
        ctx.note(f"mesh healed {secs:.1f}s after the link came back")
        ping_all(ctx, nodes, "after the heal")

        for n in nodes:
            ctx.check(n.stop() == 0, f"{n.name}: SIGTERM -> exit 0")
    finally:
        for n in nodes:
            if n.running():
                n.kill9()
        left = delete_ours()
        if left:
            print(f"FAIL namespaces left behind: {left}", flush=True)
            ctx.failures.append(f"namespaces left behind: {left}")
        else:
            print(f"ok   namespaces {PREFIX}-* deleted", flush=True)


def tcp_probe_host(host, port, timeout=1.0):
    """TCP connect from the host's (the driver's) own namespace."""
    import socket
    try:
        socket.create_connection((host, port), timeout).close()
        return "ok"
    except OSError as e:
        return f"{type(e).__name__} {e}"


if __name__ == "__main__":
    delete_stale() if os.geteuid() == 0 and os.path.exists(IP) else None
    why = probe()
    if why:
        print(f"SKIP: integration.netns: {why}", flush=True)
        sys.exit(0)
    h.main("netns", body)
