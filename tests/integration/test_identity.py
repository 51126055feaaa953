#!/usr/bin/python3
"""Identity lifecycle through the real binaries: `nzcore init` (mnemonic file, refusal
to overwrite, refusal to hide the mnemonic), `nzctl identity`, node id derivation,
`nzcore restore` (same keys; unknown word, bad checksum, wrong length), `nzcore run`
with a wrong passphrase and with damaged key files (exit 7 / 6, nothing changed),
`nzcore passwd`, and the passphrase from a systemd credential."""

import base64
import hashlib
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

HEX64 = re.compile(r"^[0-9a-f]{64}$")
FAIL_FAST = 10.0   # seconds within which a refused `nzcore run` must exit


def nzcore(*args, env=None, timeout=60):
    return h.subprocess_run([h.binary("NZCORE"), *args], timeout=timeout, env=env)


def printed_identity(out):
    """node id / ed25519 / x25519 lines printed by init and restore."""
    got = {}
    for key, label in (("node_id", "node id:"), ("ed25519_public", "ed25519 public:"),
                       ("x25519_public", "x25519 public:")):
        m = re.search(rf"^{re.escape(label)}\s+(\S+)\s*$", out, re.M)
        got[key] = m.group(1) if m else None
    return got


def listing(root):
    """{relative path: (size, mtime_ns)} of every entry under root."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = (st.st_size if n in filenames else -1,
                                             st.st_mtime_ns)
    return out


def db_listing(data):
    return {k: v[0] for k, v in listing(data).items() if k.startswith("db" + os.sep)}


def diff_listing(a, b):
    changes = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            changes.append(f"{k}: {a.get(k)} -> {b.get(k)}")
    return changes


def identity_json(ctx, data):
    return h.nzctl_json(ctx, data, "identity")


def run_refused(ctx, what, data, pf, want_rc, want_msg, extra_env=None):
    """`nzcore run` that must be refused: exits `want_rc` quickly with a one-line
    message matching `want_msg` (regex, case-insensitive); identity.key and the data
    dir are unchanged; no RUNNING marker; the node never announced itself."""
    key = data / "identity.key"
    key_before = key.read_bytes() if key.exists() else None
    lst_before = listing(data)
    db_before = db_listing(data)
    t0 = time.monotonic()
    res = nzcore("run", "--data", data, "--passphrase-file", pf, env=extra_env,
                 timeout=30)
    took = time.monotonic() - t0
    rc, out, err = res
    ctx.expect(rc == want_rc, f"{what}: nzcore run exits {want_rc}", h.fmt_result(res))
    ctx.expect(took < FAIL_FAST, f"{what}: exits within {FAIL_FAST:.0f} s",
               f"took {took:.1f} s")
    lines = [l for l in err.splitlines() if l.strip()]
    ctx.expect(len(lines) == 1 and re.search(want_msg, lines[0], re.I),
               f"{what}: one-line message matching /{want_msg}/", repr(err[:600]))
    ctx.expect("node running" not in out, f"{what}: the node did not start",
               repr(out[:300]))
    ctx.expect(not (data / "RUNNING").exists(), f"{what}: no RUNNING marker left behind")
    after = key.read_bytes() if key.exists() else None
    ctx.expect(after == key_before, f"{what}: identity.key unchanged (bytes)",
               f"{len(key_before or b'')} -> {len(after or b'')} bytes")
    ctx.expect(db_listing(data) == db_before, f"{what}: db/ names and sizes unchanged",
               "; ".join(diff_listing(db_before, db_listing(data))))
    ctx.expect(listing(data) == lst_before,
               f"{what}: nothing in the data dir changed (names, sizes, mtimes)",
               "; ".join(diff_listing(lst_before, listing(data))))
    ctx.note(f"{what}: rc={rc} in {took:.2f} s, message {lines[0] if lines else ''!r}")
    return res


def write_secret(path, text):
    path.write_text(text)
    path.chmod(0o600)
    return path


def body(ctx):
    P = ctx.passphrase_file()
    D = ctx.root / "D"

    # ---- init with --mnemonic-out ------------------------------------------------
    M = ctx.root / "mnemonic.txt"
    res = nzcore("init", "--data", D, "--passphrase-file", P, "--kdf", "min",
                 "--mnemonic-out", M)
    ctx.check(res[0] == 0, "init --mnemonic-out exits 0", h.fmt_result(res))
    ctx.check(M.exists(), "mnemonic file written")
    mode = M.stat().st_mode & 0o777
    ctx.expect(mode == 0o600, "mnemonic file has mode 0600", oct(mode))
    words = M.read_text().split()
    ctx.expect(len(words) == 24, "mnemonic file holds 24 words", f"{len(words)} words")
    ctx.expect(all(re.fullmatch(r"[a-z]+", w) for w in words),
               "mnemonic words are lowercase letters", repr(words[:30]))
    ctx.expect(" ".join(words) not in res[1] + res[2],
               "init with --mnemonic-out does not print the mnemonic")
    printed = printed_identity(res[1])
    ctx.check(all(printed.values()), "init prints node id, ed25519 and x25519 public keys",
              repr(res[1][:600]))
    key = D / "identity.key"
    ctx.check(key.exists(), "identity.key created")
    kmode = key.stat().st_mode & 0o777
    ctx.expect(kmode == 0o600, "identity.key has mode 0600", oct(kmode))
    key_bytes = key.read_bytes()

    # node id = BLAKE2b-256(ed25519 public key), lowercase hex
    pk = base64.b64decode(printed["ed25519_public"], validate=True)
    ctx.expect(len(pk) == 32, "ed25519 public key is 32 bytes", str(len(pk)))
    xk = base64.b64decode(printed["x25519_public"], validate=True)
    ctx.expect(len(xk) == 32, "x25519 public key is 32 bytes", str(len(xk)))
    want_id = hashlib.blake2b(pk, digest_size=32).hexdigest()
    ctx.expect(HEX64.match(printed["node_id"] or ""), "node id is 64 lowercase hex chars",
               repr(printed["node_id"]))
    ctx.expect(printed["node_id"] == want_id,
               "node id = hex BLAKE2b-256(ed25519 public key)",
               f"printed {printed['node_id']}, computed {want_id}")

    # ---- init again: refused, key untouched ----------------------------------------
    M_again = ctx.root / "mnemonic-again.txt"
    res = nzcore("init", "--data", D, "--passphrase-file", P, "--kdf", "min",
                 "--mnemonic-out", M_again)
    ctx.expect(res[0] == 8, "init on an existing identity exits 8", h.fmt_result(res))
    ctx.expect(key.read_bytes() == key_bytes, "identity.key byte-identical after refused init")
    ctx.expect(not M_again.exists(), "refused init wrote no mnemonic file")
    res = nzcore("init", "--data", D, "--passphrase-file", P, "--kdf", "min",
                 "--show-mnemonic")
    ctx.expect(res[0] == 8 and key.read_bytes() == key_bytes,
               "init --show-mnemonic on an existing identity exits 8, key unchanged",
               h.fmt_result(res))

    # ---- init without a way to show the mnemonic (stdin not a tty) -----------------
    E = ctx.root / "E"
    res = nzcore("init", "--data", E, "--passphrase-file", P, "--kdf", "min")
    ctx.expect(res[0] == 2, "init without --show-mnemonic/--mnemonic-out, no tty: exit 2",
               h.fmt_result(res))
    ctx.expect(res[2].strip() and "mnemonic" in res[2].lower(),
               "  ... and says why (mentions the mnemonic)", repr(res[2][:300]))
    ctx.expect(not E.exists(), "  ... and creates nothing (data dir not created)",
               repr(sorted(os.listdir(E))) if E.exists() else "")
    E2 = ctx.new_dir("E2")
    res = nzcore("init", "--data", E2, "--passphrase-file", P, "--kdf", "min")
    ctx.expect(res[0] == 2 and not os.listdir(E2),
               "same in an existing empty dir: exit 2, dir stays empty",
               f"{h.fmt_result(res)}; contents {sorted(os.listdir(E2))}")

    # ---- nzctl identity on a running node -----------------------------------------
    node = ctx.start_node(D)
    h.wait_ready(node)
    ident = identity_json(ctx, D)
    for k in ("node_id", "ed25519_public", "x25519_public"):
        ctx.expect(ident.get(k) == printed[k], f"nzctl identity {k} equals init's",
                   f"identity {ident.get(k)!r}, init {printed[k]!r}")
    kdf = ident.get("kdf")
    ctx.expect(isinstance(kdf, dict) and kdf.get("preset") == "min",
               "nzctl identity reports the key file KDF (preset min)", repr(kdf))
    res = h.run_nzctl(D, "identity")
    ctx.expect(res[0] == 0 and printed["node_id"] in res[1]
               and printed["ed25519_public"] in res[1],
               "nzctl identity (text) shows node id and ed25519 key", h.fmt_result(res))
    ctx.expect(f"node id {printed['node_id']}" in node.stdout_text(),
               "the node prints its node id at start", repr(node.stdout_text()[:400]))
    rc = node.stop()
    ctx.check(rc == 0, "node on D stops cleanly", f"exit status {rc}")

    # ---- restore into a fresh dir --------------------------------------------------
    P2 = write_secret(ctx.root / "passphrase2", "a different passphrase two\n")
    D2 = ctx.root / "D2"
    res = nzcore("restore", "--data", D2, "--mnemonic-file", M, "--passphrase-file", P2,
                 "--kdf", "min")
    ctx.check(res[0] == 0, "restore from the mnemonic file exits 0", h.fmt_result(res))
    rprinted = printed_identity(res[1])
    ctx.expect(rprinted == printed, "restore prints the same node id and public keys",
               f"restore {rprinted}, init {printed}")
    ctx.expect((D2 / "identity.key").read_bytes() != key_bytes,
               "restored key file differs from the original (new salt/nonce/passphrase)")
    res = nzcore("restore", "--data", D2, "--mnemonic-file", M, "--passphrase-file", P2,
                 "--kdf", "min")
    ctx.expect(res[0] == 8, "restore over an existing identity exits 8", h.fmt_result(res))
    n2 = ctx.start_node_raw(D2, "--passphrase-file", P2)
    h.wait_ready(n2)
    ident2 = identity_json(ctx, D2)
    for k in ("node_id", "ed25519_public", "x25519_public"):
        ctx.expect(ident2.get(k) == printed[k], f"restored node: nzctl identity {k} "
                   f"equals the original", f"{ident2.get(k)!r} vs {printed[k]!r}")
    rc = n2.stop()
    ctx.check(rc == 0, "restored node stops cleanly", f"exit status {rc}")

    # ---- invalid mnemonics ---------------------------------------------------------
    def restore_bad(what, mwords, want_re):
        mf = write_secret(ctx.root / f"bad-{what.replace(' ', '-')}.txt",
                          " ".join(mwords) + "\n")
        target = ctx.root / f"R-{what.replace(' ', '-')}"
        res = nzcore("restore", "--data", target, "--mnemonic-file", mf,
                     "--passphrase-file", P2, "--kdf", "min")
        ctx.expect(res[0] == 2, f"restore with {what}: exit 2", h.fmt_result(res))
        ctx.expect(re.search(want_re, res[2], re.I), f"restore with {what}: message "
                   f"matches /{want_re}/", repr(res[2][:400]))
        ctx.expect(not (target / "identity.key").exists(),
                   f"restore with {what}: no identity.key created")
        if target.exists():
            ctx.note(f"restore with {what} left {sorted(os.listdir(target))} in the "
                     f"(new) data dir")

    unknown = list(words)
    unknown[5] = "zzqxnotaword"
    restore_bad("unknown word", unknown, r"zzqxnotaword")
    swapped = list(words)
    # swap the last word with a different one so that the checksum is (almost surely)
    # wrong; pick the first word that differs from the last
    j = next(i for i in range(len(words) - 2, -1, -1) if words[i] != words[-1])
    swapped[-1], swapped[j] = swapped[j], swapped[-1]
    restore_bad("swapped words (bad checksum)", swapped, r"checksum")
    restore_bad("11 words", words[:11], r"11|words")

    # ---- wrong passphrase ----------------------------------------------------------
    PW = write_secret(ctx.root / "passphrase-wrong", "this is not the passphrase\n")
    run_refused(ctx, "wrong passphrase", D, PW, 7, r"wrong passphrase")

    # ---- damaged key files ---------------------------------------------------------
    def damaged(what, mutate, want_rc, want_re):
        key.write_bytes(mutate(bytearray(key_bytes)))
        key.chmod(0o600)
        run_refused(ctx, what, D, P, want_rc, want_re)
        key.write_bytes(key_bytes)

    def flip(i, mask):
        def m(b):
            b[i] ^= mask
            return bytes(b)
        return m

    def set_version(b):
        b[8] ^= 0x7f
        b[9] ^= 0x7f
        return bytes(b)

    damaged("truncated key file (50 bytes)", lambda b: bytes(b[:50]), 6, r"truncated")
    damaged("bad magic (byte 0 changed)", flip(0, 0x01), 6, r"magic")
    damaged("wrong version (bytes 8-9)", set_version, 6, r"version")
    damaged("flipped bit in the ciphertext", flip(len(key_bytes) - 20, 0x10), 7,
            r"wrong passphrase or damaged key file")
    damaged("empty key file", lambda b: b"", 6, r"empty")
    # missing entirely (not a damage case, but the same exit code)
    key.unlink()
    run_refused(ctx, "no identity.key", D, P, 6, r"no identity|init")
    key.write_bytes(key_bytes)
    key.chmod(0o600)

    # the original key still works after all that
    node = ctx.start_node(D)
    h.wait_ready(node)
    ctx.expect(identity_json(ctx, D).get("node_id") == printed["node_id"],
               "restored original key file: node starts with the same node id")
    rc = node.stop()
    ctx.check(rc == 0, "node stops cleanly", f"exit status {rc}")

    # ---- passwd ---------------------------------------------------------------------
    P3 = write_secret(ctx.root / "passphrase3", "the third passphrase, new\n")
    short = write_secret(ctx.root / "passphrase-short", "short\n")
    res = nzcore("passwd", "--data", D, "--passphrase-file", P, "--new-passphrase-file",
                 short)
    ctx.expect(res[0] == 2, "passwd with a too-short new passphrase exits 2",
               h.fmt_result(res))
    ctx.expect(key.read_bytes() == key_bytes, "  ... and leaves identity.key unchanged")
    res = nzcore("passwd", "--data", D, "--passphrase-file", PW, "--new-passphrase-file",
                 P3)
    ctx.expect(res[0] == 7, "passwd with a wrong current passphrase exits 7",
               h.fmt_result(res))
    ctx.expect(key.read_bytes() == key_bytes, "  ... and leaves identity.key unchanged")
    res = nzcore("passwd", "--data", D, "--passphrase-file", P, "--new-passphrase-file",
                 P3)
    ctx.check(res[0] == 0, "passwd P -> P3 exits 0", h.fmt_result(res))
    ctx.expect(key.read_bytes() != key_bytes, "identity.key rewritten by passwd")
    ctx.expect((key.stat().st_mode & 0o777) == 0o600, "identity.key still mode 0600",
               oct(key.stat().st_mode & 0o777))
    leftovers = sorted(n for n in os.listdir(D) if n.startswith("identity.key")
                       and n != "identity.key")
    ctx.expect(not leftovers, "no temporary key files left by passwd", repr(leftovers))
    run_refused(ctx, "old passphrase after passwd", D, P, 7, r"wrong passphrase")
    node = ctx.start_node_raw(D, "--passphrase-file", P3)
    h.wait_ready(node)
    ctx.expect(identity_json(ctx, D).get("node_id") == printed["node_id"],
               "node starts with the new passphrase and the same node id")
    rc = node.stop()
    ctx.check(rc == 0, "node stops cleanly", f"exit status {rc}")

    # ---- passphrase from a systemd credential --------------------------------------
    cred = ctx.new_dir("credentials")
    write_secret(cred / "nzcore-passphrase", P3.read_text())
    node = ctx.start_node_raw(D, env={"CREDENTIALS_DIRECTORY": str(cred)})
    h.wait_ready(node)
    ctx.expect(identity_json(ctx, D).get("node_id") == printed["node_id"],
               "node started with the passphrase from $CREDENTIALS_DIRECTORY/"
               "nzcore-passphrase (no --passphrase-file)")
    rc = node.stop()
    ctx.check(rc == 0, "node stops cleanly", f"exit status {rc}")
    # a credential with the wrong passphrase is refused like a wrong file
    badcred = ctx.new_dir("credentials-bad")
    write_secret(badcred / "nzcore-passphrase", "not the right one at all\n")
    t0 = time.monotonic()
    res = nzcore("run", "--data", D, env={"CREDENTIALS_DIRECTORY": str(badcred)},
                 timeout=30)
    ctx.expect(res[0] == 7 and time.monotonic() - t0 < FAIL_FAST,
               "wrong passphrase in the credential: run exits 7 quickly", h.fmt_result(res))


if __name__ == "__main__":
    h.main("identity", body)
