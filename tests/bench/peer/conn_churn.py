#!/usr/bin/python3
"""Memory per peer connection that came and went: a real node (NZCORE), a
warm-up of connections, its resident memory, then CONNECTIONS more TCP
connections to its peer port, each opened and closed at once (the gate gives
each a peer_link broker, which ends when the connection closes), and its
resident memory again after they all ended and their handshake deadline (1 s
here) passed. Prints the growth per connection, over three rounds.

A node should keep nothing of a connection that ended. Before
actors/peer/broker_timer.hpp, each link whose connection closed before its
handshake deadline kept itself alive through its own deadline message (about
1.9 KB per connection, for the node's whole life).

    NZCORE=build/bin/nzcore NZCTL=build/bin/nzctl \\
        python3 tests/bench/peer/conn_churn.py [connections=10000]
"""

import os
import socket
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "integration"))
import nzharness as h  # noqa: E402

CONFIG = """[nzcore]
peer-address="127.0.0.1"
peer-port=0
peer-handshakes-per-source=100000
peer-max-half-open=100000
peer-handshake-timeout=1s
"""


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def churn(port, n):
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.close()


def settle(node, timeout=60):
    """Waits until RSS stops changing (two equal readings 0.5 s apart)."""
    last = -1
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = rss_kib(node.pid)
        if now == last:
            return now
        last = now
    return last


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    ctx = h.Context("bench.conn_churn")
    try:
        cfg = ctx.root / "churn.conf"
        cfg.write_text(CONFIG)
        data = ctx.new_dir("node")
        node = ctx.start_node(data, "--config", cfg)
        h.wait_ready(node)
        port = int((data / "peer.port").read_text().strip())
        churn(port, 2000)  # warm-up: allocator arenas, caches
        base = settle(node)
        print(f"conn_churn: node pid {node.pid}, RSS after warm-up {base} KiB")
        per = []
        ends = []
        for r in range(1, 4):
            before = settle(node)
            t0 = time.monotonic()
            churn(port, n)
            secs = time.monotonic() - t0
            time.sleep(2)  # past the 1 s handshake deadline of the last links
            after = settle(node)
            growth = (after - before) * 1024 / n
            per.append(growth)
            ends.append(after)
            print(f"conn_churn: round {r}: {n} connections in {secs:.1f} s; RSS "
                  f"{before} -> {after} KiB = {growth:.1f} B per connection")
        per.sort()
        print(f"conn_churn: median {per[1]:.1f} B per connection over 3 rounds; "
              f"rounds 2-3 together (after the first round filled the allocator): "
              f"{(ends[2] - ends[0]) * 1024 / (2 * n):.1f} B per connection")
        rc, out, _ = h.run_nzctl(data, "metrics")
        for line in out.splitlines():
            if line.startswith(("nzcore_peer_connections_closed_total",
                                "nzcore_peer_handshake_failures_total")):
                print("conn_churn: node metric " + line)
        node.stop()
    finally:
        ctx.cleanup()


if __name__ == "__main__":
    main()
