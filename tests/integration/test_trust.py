#!/usr/bin/python3
"""Trust store end to end on real nodes: add, delegate, export/import between
nodes, effective trust with its path, revocation, hostile bundles, the audit log,
restart and actor crash (the set is the same), and tampering with the stored
trust log (flip, drop, swap, replay) -> `trust log --verify` names the first bad
entry, the node refuses to serve a forged trust state, and everything else keeps
working; restoring the bytes brings everything back."""

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

import base64  # noqa: E402

try:
    import lmdb  # Debian python3-lmdb (scripts/setup)
except ImportError:  # pragma: no cover
    lmdb = None

LOG_NS = b"nz.trust.log"


def ctl(ctx, data, *cmd, want=0, what=None):
    res = h.run_nzctl(data, *cmd)
    if want is not None:
        ctx.check(res[0] == want, what or f"nzctl {' '.join(map(str, cmd))} -> {want}",
                  h.fmt_result(res))
    return res


def ctl_json(ctx, data, *cmd, want=0, what=None):
    res = h.run_nzctl(data, *cmd, json_out=True)
    if want is not None:
        ctx.check(res[0] == want, what or f"nzctl --json {' '.join(map(str, cmd))} -> {want}",
                  h.fmt_result(res))
    out = res[1] if res[0] == 0 else res[2]
    try:
        return res[0], json.loads(out)
    except ValueError:
        return res[0], {"_raw": out}


def identity(ctx, data):
    _, j = ctl_json(ctx, data, "identity")
    key = base64.b64decode(j["ed25519_public"]).hex()
    return j["node_id"], key


def log_key(seq):
    return LOG_NS + b"\x00" + seq.to_bytes(8, "big")


def with_db(data, fn):
    env = lmdb.open(str(data / "db"), max_dbs=16, subdir=True)
    try:
        kv = env.open_db(b"kv", create=False)
        with env.begin(write=True, db=kv) as txn:
            return fn(txn)
    finally:
        env.close()


def body(ctx):
    ctx.check(lmdb is not None, "python3-lmdb is installed (scripts/setup)")
    a_dir, b_dir, c_dir = ctx.new_dir("a"), ctx.new_dir("b"), ctx.new_dir("c")
    a = ctx.start_node(a_dir, "--enable-chaos")
    b = ctx.start_node(b_dir)
    c = ctx.start_node(c_dir)
    for n in (a, b, c):
        h.wait_ready(n)
    a_id, a_key = identity(ctx, a_dir)
    b_id, b_key = identity(ctx, b_dir)
    c_id, c_key = identity(ctx, c_dir)

    # -- own assertions --------------------------------------------------------
    ctl(ctx, a_dir, "trust", "add", b_key, "--level", "high", "--label", "role=peer")
    ctl(ctx, a_dir, "trust", "delegate", b_id[:0] + b_key, "--depth", "1",
        "--max-level", "medium")
    _, v = ctl_json(ctx, a_dir, "trust", "show", b_id)
    ctx.check(v.get("level") == "high" and not v.get("revoked"),
              "A: B is HIGH (node id accepted once the key is known)", repr(v))
    ctx.expect(len(v.get("path", [])) == 1 and v["path"][0]["issuer"] == a_id,
               "A: B's path is A's own assertion", repr(v.get("path")))
    res = ctl(ctx, a_dir, "trust", "add", "00" * 31, "--level", "low", want=2,
              what="A: a malformed key is a bad request (exit 2)")
    res = ctl(ctx, a_dir, "trust", "add", c_key, "--level", "7", want=2,
              what="A: level 7 is a bad request")
    res = ctl(ctx, a_dir, "trust", "add", a_key, "--level", "high", want=None)
    ctx.expect(res[0] != 0, "A: asserting trust in itself is refused", h.fmt_result(res))

    # -- B vouches for C; A imports B's bundle -----------------------------------
    ctl(ctx, b_dir, "trust", "add", c_key, "--level", "high")
    bundle = ctx.root / "b.bundle"
    ctl(ctx, b_dir, "trust", "export", "--out", bundle)
    ctx.check(bundle.stat().st_size > 100, "B: export wrote a bundle",
              str(bundle.stat().st_size))
    _, imp = ctl_json(ctx, a_dir, "trust", "import", bundle)
    ctx.check(imp.get("accepted") and imp.get("applied", 0) >= 1,
              "A: B's bundle accepted (B is trusted >= MEDIUM)", repr(imp))
    _, v = ctl_json(ctx, a_dir, "trust", "show", c_key)
    ctx.check(v.get("level") == "medium", "A: C is MEDIUM via B (capped by max-level)",
              repr(v))
    ctx.expect([p["issuer"] for p in v.get("path", [])] == [a_id, b_id],
               "A: C's path is A -> B (delegation) -> C", repr(v.get("path")))
    _, imp = ctl_json(ctx, a_dir, "trust", "import", bundle, want=0)
    ctx.expect(imp.get("accepted") and imp.get("applied") == 0
               and imp.get("already_known", 0) >= 1,
               "A: importing the same bundle again changes nothing", repr(imp))

    # -- hostile bundles ----------------------------------------------------------
    raw = bundle.read_bytes()
    for pos in (10, len(raw) // 2, len(raw) - 5):
        bad = bytearray(raw)
        bad[pos] ^= 0x01
        p = ctx.root / f"bad{pos}.bundle"
        p.write_bytes(bytes(bad))
        res = ctl(ctx, a_dir, "trust", "import", p, want=None)
        ctx.expect(res[0] != 0, f"A: bundle with byte {pos} flipped is refused",
                   h.fmt_result(res))
    (ctx.root / "junk.bundle").write_bytes(b"NZTB" + b"\xff" * 64)
    res = ctl(ctx, a_dir, "trust", "import", ctx.root / "junk.bundle", want=None)
    ctx.expect(res[0] != 0 and res[2].strip(), "A: a malformed bundle is refused with a reason",
               h.fmt_result(res))
    # C is trusted only at MEDIUM via delegation of depth 1: C's own bundle has an
    # issuer A accepts (>= MEDIUM); a node A does not know is refused.
    d_dir = ctx.new_dir("d")
    d = ctx.start_node(d_dir)
    h.wait_ready(d)
    ctl(ctx, d_dir, "trust", "add", b_key, "--level", "low")
    dbundle = ctx.root / "d.bundle"
    ctl(ctx, d_dir, "trust", "export", "--out", dbundle)
    _, imp = ctl_json(ctx, a_dir, "trust", "import", dbundle, want=1)
    ctx.check(not imp.get("accepted") and any("unknown_issuer" in r for r in imp.get("rejected", [])),
              "A: a bundle from an untrusted node is rejected (unknown_issuer)", repr(imp))
    d.stop()

    # -- audit -------------------------------------------------------------------
    bad_token = ctx.root / "bad.token"
    bad_token.write_text("0" * 64)
    res = h.run_nzctl(a_dir, "status", token_file=bad_token, client="intruder")
    ctx.check(res[0] == 3, "A: a wrong token is refused", h.fmt_result(res))
    def audit_has():
        _, au = ctl_json(ctx, a_dir, "audit")
        kinds = [e["kind"] for e in au.get("events", [])]
        return au if ("auth_failure" in kinds and "trust_set_level" in kinds
                      and "trust_import" in kinds) else None
    au = h.poll_until(audit_has, 10, "audit shows auth failure, trust add, import")
    ctx.check(au.get("intact") is True, "A: audit chain intact", repr(au)[:300])

    # -- revocation ----------------------------------------------------------------
    ctl(ctx, a_dir, "trust", "revoke", b_key)
    _, v = ctl_json(ctx, a_dir, "trust", "show", b_key)
    ctx.check(v.get("revoked") is True and v.get("level") == "unknown",
              "A: B revoked", repr(v))
    _, v = ctl_json(ctx, a_dir, "trust", "show", c_key)
    ctx.check(v.get("level") == "unknown", "A: C no longer trusted (its delegator is revoked)",
              repr(v))
    res = ctl(ctx, a_dir, "trust", "add", b_key, "--level", "high", want=None)
    ctx.check(res[0] != 0 and "revoked" in (res[1] + res[2]),
              "A: re-adding a revoked key is refused", h.fmt_result(res))
    _, imp = ctl_json(ctx, a_dir, "trust", "import", bundle, want=None)
    _, v = ctl_json(ctx, a_dir, "trust", "show", b_key)
    ctx.check(v.get("revoked") is True, "A: replaying B's old bundle does not un-revoke B",
              repr(v))

    # -- the set survives restart and crash ------------------------------------------
    _, before = ctl_json(ctx, a_dir, "trust", "list")
    _, logr = ctl_json(ctx, a_dir, "trust", "log", "--verify")
    ctx.check(logr.get("intact") and logr.get("verified"), "A: trust log --verify intact",
              repr(logr)[:300])
    entries = logr["entries"]
    ctl(ctx, a_dir, "chaos", "crash", "trust")
    def same_after_crash():
        rc, now = ctl_json(ctx, a_dir, "trust", "list", want=None)
        return rc == 0 and now == before
    h.poll_until(same_after_crash, 15, "trust list identical after chaos crash trust")
    ctx.check(a.stop() == 0, "A: SIGTERM -> exit 0")
    a = ctx.start_node(a_dir, "--enable-chaos")
    h.wait_ready(a)
    _, after = ctl_json(ctx, a_dir, "trust", "list")
    ctx.check(after == before, "A: trust list identical after restart")
    ctx.check(a.stop() == 0, "A: stopped for tampering")

    # -- tampering with the stored log -----------------------------------------------
    originals = with_db(a_dir, lambda t: {s: t.get(log_key(s)) for s in range(1, entries + 1)})
    ctx.check(all(originals.values()), f"all {entries} log records are in LMDB")

    def restore(t):
        for s, val in originals.items():
            t.put(log_key(s), val)
        t.delete(log_key(entries + 1))

    def flip(t):
        v = bytearray(originals[2])
        v[len(v) // 2] ^= 0x40
        t.put(log_key(2), bytes(v))

    def drop(t):
        t.delete(log_key(2))

    def swap(t):
        t.put(log_key(2), originals[3])
        t.put(log_key(3), originals[2])

    def replay(t):
        t.put(log_key(entries + 1), originals[1])

    cases = [("flip a byte of entry 2", flip, 2), ("drop entry 2", drop, 2),
             ("swap entries 2 and 3", swap, 2), ("replay entry 1 as a new entry", replay,
                                                 entries + 1)]
    for what, fn, bad_seq in cases:
        with_db(a_dir, fn)
        a = ctx.start_node(a_dir, "--enable-chaos")
        h.wait_ready(a)
        res = ctl(ctx, a_dir, "trust", "list", want=None)
        ctx.check(res[0] != 0 and "damaged" in res[2],
                  f"{what}: the node refuses to serve the trust set", h.fmt_result(res))
        rc, logr = ctl_json(ctx, a_dir, "trust", "log", "--verify", want=None)
        ctx.check(rc != 0 and logr.get("first_bad_seq") == bad_seq,
                  f"{what}: trust log --verify names entry {bad_seq}", repr(logr)[:400])
        ctl(ctx, a_dir, "kv", "put", "app", "still", "works",
            what=f"{what}: the rest of the node keeps working (kv put)")
        ctl(ctx, a_dir, "audit", what=f"{what}: audit readable")
        ctx.check(a.stop() == 0, f"{what}: node stops cleanly")
        res = h.subprocess_run([h.binary("NZCORE"), "doctor", "--data", a_dir,
                                "--passphrase-file", ctx.passphrase_file()])
        ctx.expect(res[0] == 9 and f"trust log: BROKEN at entry {bad_seq}" in res[1],
                   f"{what}: nzcore doctor names entry {bad_seq} (exit 9)", h.fmt_result(res))
        with_db(a_dir, restore)

    res = h.subprocess_run([h.binary("NZCORE"), "doctor", "--data", a_dir,
                            "--passphrase-file", ctx.passphrase_file()])
    ctx.expect(res[0] == 0 and "trust log: ok" in res[1] and "audit log: ok" in res[1],
               "restored bytes: nzcore doctor finds both chains intact", h.fmt_result(res))
    a = ctx.start_node(a_dir)
    h.wait_ready(a)
    _, after = ctl_json(ctx, a_dir, "trust", "list")
    ctx.check(after == before, "restored bytes: the same trust set, nothing lost")
    _, logr = ctl_json(ctx, a_dir, "trust", "log", "--verify")
    ctx.check(logr.get("intact") and logr.get("entries") == entries,
              "restored bytes: trust log --verify intact", repr(logr)[:300])
    res = ctl(ctx, a_dir, "kv", "put", "nz.trust.log", "x", "y", want=7,
              what="the trust log namespace is reserved (forbidden for kv put)")
    for n in (a, b, c):
        n.stop()


if __name__ == "__main__":
    h.main("trust", body)
