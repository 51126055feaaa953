#!/usr/bin/python3
"""Sealed kv records and files through a real node: every acknowledged write survives
kill -9 (text, binary and file values read back byte for byte), the size and namespace
limits are refused with exit 2, missing/deleted records exit 1, and no plaintext (a
marker value, the mnemonic, the passphrase, the BIP-39 entropy/seed) ends up in any
file of the data dir or in the node's output."""

import base64
import concurrent.futures
import hashlib
import os
import pathlib
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

N_KEYS = 200
# Concurrent nzctl clients for the 200 puts/gets (NZ_IT_KV_POOL overrides; 1 = serial).
# nzctl --timeout for the bulk requests (replies normally take < 0.2 s; this bounds the
# run time when a reply never comes).
BULK_TIMEOUT = 5
POOL = max(1, int(os.environ.get("NZ_IT_KV_POOL", "8")))
MAX_KEY = 256
MAX_VALUE = 102400
MAX_FILE = 1048576
BIP39_WORDLIST = pathlib.Path("/usr/lib/python3/dist-packages/mnemonic/wordlist/english.txt")


def parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=POOL) as ex:
        return list(ex.map(fn, items))


def bip39_secrets(words):
    """(entropy, seed) of a BIP-39 English mnemonic, or None without the word list."""
    if not BIP39_WORDLIST.exists():
        return None
    wl = BIP39_WORDLIST.read_text().split()
    idx = {w: i for i, w in enumerate(wl)}
    bits = "".join(format(idx[w], "011b") for w in words)
    ent_bits = len(bits) * 32 // 33
    entropy = int(bits[:ent_bits], 2).to_bytes(ent_bits // 8, "big")
    check = format(hashlib.sha256(entropy).digest()[0], "08b")[:len(bits) - ent_bits]
    if check != bits[ent_bits:]:
        raise h.Failure("BIP-39 checksum of the mnemonic does not match (test bug?)")
    seed = hashlib.pbkdf2_hmac("sha512", " ".join(words).encode(), b"mnemonic", 2048)
    return entropy, seed


def b64_cores(data):
    """base64 renderings of `data` at the three byte alignments, minus the edge groups
    that depend on surrounding bytes."""
    out = []
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + data)
        core = enc[4:-4] if shift else enc[:-4]
        if len(core) >= 16:
            out.append(core)
    return out


def needles(label, data):
    """{description: bytes} forms of a secret to look for."""
    d = {f"{label} (raw)": data,
         f"{label} (hex)": data.hex().encode(),
         f"{label} (HEX)": data.hex().upper().encode()}
    for i, core in enumerate(b64_cores(data)):
        d[f"{label} (base64, alignment {i})"] = core
    return d


def scan(paths, patterns):
    """[(path, pattern description)] for every pattern found in every file."""
    hits = []
    for p in paths:
        try:
            blob = pathlib.Path(p).read_bytes()
        except OSError as e:
            hits.append((str(p), f"unreadable: {e}"))
            continue
        for what, pat in patterns.items():
            if pat in blob:
                hits.append((str(p), what))
    return hits


def body(ctx):
    data = ctx.new_dir("data")
    P = ctx.passphrase_file()
    passphrase = P.read_text().strip()
    mfile = ctx.root / "mnemonic.txt"
    init_out, words = ctx.init_identity_to_file(data, mfile)
    ctx.check(len(words) == 24, "init wrote a 24-word mnemonic", str(len(words)))

    node = ctx.start_node(data)
    h.wait_ready(node)

    # ---- 200 text values, a binary value, a file, the marker -----------------------
    def put(i):
        return i, h.run_nzctl(data, "kv", "put", "app", f"k{i}", f"v{i}",
                               nz_timeout=BULK_TIMEOUT)
    results = parallel(put, range(N_KEYS))
    acked = {i for i, res in results if res[0] == 0}
    bad = [f"k{i}: {h.fmt_result(res)}" for i, res in results if res[0] != 0]
    ctx.expect(not bad, f"all {N_KEYS} kv puts acknowledged (exit 0; {POOL} concurrent "
               f"clients)", f"{len(bad)} failed, first: {bad[:3]}")

    binval = bytearray(os.urandom(5000))
    for i in range(0, 5000, 97):     # plenty of zeros, newlines, 0xff
        binval[i] = 0
    binval[0] = 0
    binval[1] = 0x0a
    binval[-1] = 0
    binval[2] = 0xff
    binval = bytes(binval)
    binfile = ctx.root / "binary.in"
    binfile.write_bytes(binval)
    res = h.run_nzctl(data, "kv", "put", "app", "bin", "--file", binfile)
    ctx.expect(res[0] == 0, "kv put of a 5000-byte binary value (--file) exits 0",
               h.fmt_result(res))
    bin_acked = res[0] == 0

    fileval = os.urandom(300_000) + b"\0\0\n" + os.urandom(1000)
    fin = ctx.root / "file.in"
    fin.write_bytes(fileval)
    res = h.run_nzctl(data, "file", "put", "docs", "f", "--file", fin)
    ctx.expect(res[0] == 0, f"file put of {len(fileval)} bytes exits 0", h.fmt_result(res))
    file_acked = res[0] == 0

    marker = ("PLAINTEXT-MARKER-" + os.urandom(16).hex()).encode()
    res = h.run_nzctl(data, "kv", "put", "secret", "marker", marker.decode())
    ctx.check(res[0] == 0, "kv put of the marker value exits 0", h.fmt_result(res))
    mfile_in = ctx.root / "marker-file.in"
    mfile_in.write_bytes(b"file body with " + marker + b" inside\n")
    res = h.run_nzctl(data, "file", "put", "secret", "marker-file", "--file", mfile_in)
    ctx.check(res[0] == 0, "file put of a file holding the marker exits 0", h.fmt_result(res))
    res = h.run_nzctl(data, "kv", "get", "secret", "marker")
    ctx.expect(res[0] == 0 and res[1].encode() == marker, "marker reads back before the kill",
               h.fmt_result(res))

    # ---- kill -9, restart ----------------------------------------------------------
    node.kill9()
    ctx.check(not node.running(), "node killed with SIGKILL after the writes")
    node = ctx.start_node(data)
    h.wait_ready(node)
    st = h.status(ctx, data)
    ctx.expect(st.get("unclean_shutdowns") == 1, "restart counts the unclean shutdown",
               repr(st.get("unclean_shutdowns")))

    def get(i):
        return i, h.run_nzctl(data, "kv", "get", "app", f"k{i}", nz_timeout=BULK_TIMEOUT)
    reads = dict(parallel(get, range(N_KEYS)))
    # A read that got no reply at all (exit 6) says nothing about durability: it is
    # reported on its own and retried alone, so that it does not pass for a lost record.
    noreply = [f"k{i}: {h.fmt_result(r)}" for i, r in sorted(reads.items()) if r[0] == 6]
    ctx.expect(not noreply, f"every kv get answered ({POOL} concurrent clients)",
               f"{len(noreply)} without a reply, first: {noreply[:3]}")
    for i in [i for i, r in reads.items() if r[0] == 6]:
        reads[i] = h.run_nzctl(data, "kv", "get", "app", f"k{i}")
    lost, torn, present = [], [], set()
    for i, res in sorted(reads.items()):
        if res[0] == 0 and res[1] == f"v{i}":
            present.add(i)
        elif i in acked:
            lost.append(f"k{i}: {h.fmt_result(res)}")
        elif res[0] != 1:   # unacknowledged: either absent (exit 1) or intact
            torn.append(f"k{i}: {h.fmt_result(res)}")
    ctx.expect(not lost, f"all {len(acked)} acknowledged values read back exactly after "
               f"kill -9", f"{len(lost)} wrong, first: {lost[:3]}")
    if len(acked) < N_KEYS:
        ctx.expect(not torn, "unacknowledged puts are either absent or intact",
                   "; ".join(torn[:3]))
        ctx.note(f"of {N_KEYS - len(acked)} unacknowledged puts, "
                 f"{len(present - acked)} were stored anyway")

    if bin_acked:
        out = ctx.root / "binary.out"
        res = h.run_nzctl(data, "kv", "get", "app", "bin", "--out", out)
        ctx.expect(res[0] == 0 and out.exists() and out.read_bytes() == binval,
                   "binary value reads back byte for byte (kv get --out)",
                   f"{h.fmt_result(res)}; "
                   f"{len(out.read_bytes()) if out.exists() else 'no'} bytes")
        if out.exists():
            ctx.expect((out.stat().st_mode & 0o777) == 0o600, "kv get --out file has mode 0600",
                       oct(out.stat().st_mode & 0o777))
        obj = h.nzctl_json(ctx, data, "kv", "get", "app", "bin")
        got = base64.b64decode(obj.get("value_base64", ""))
        ctx.expect(got == binval and obj.get("size") == len(binval),
                   "kv get --json value_base64 decodes to the binary value",
                   f"size {obj.get('size')}, decoded {len(got)} bytes")
    if file_acked:
        out = ctx.root / "file.out"
        res = h.run_nzctl(data, "file", "get", "docs", "f", "--out", out)
        ctx.expect(res[0] == 0 and out.exists() and out.read_bytes() == fileval,
                   "file reads back byte for byte (file get --out)",
                   f"{h.fmt_result(res)}; "
                   f"{len(out.read_bytes()) if out.exists() else 'no'} bytes")

    res = h.run_nzctl(data, "kv", "list", "app")
    lines = [l for l in res[1].splitlines() if l.strip()]
    want_n = len(present) + (1 if bin_acked else 0)
    ctx.expect(res[0] == 0 and len(lines) == want_n,
               f"kv list app shows {want_n} keys (every stored record)",
               f"rc={res[0]}, {len(lines)} lines, first {lines[:3]}, last {lines[-3:]}")
    ctx.expect(want_n == N_KEYS + 1, f"kv list app shows {N_KEYS + 1} keys",
               f"{want_n} stored ({len(acked)} puts acknowledged, binary stored: "
               f"{bin_acked})")
    obj = h.nzctl_json(ctx, data, "kv", "list", "app")
    entries = obj.get("entries") or []
    sizes = {e.get("key"): e.get("size") for e in entries}
    want = {f"k{i}": len(f"v{i}") for i in present}
    if bin_acked:
        want["bin"] = len(binval)
    ctx.expect(sizes == want and obj.get("truncated") is False,
               "kv list --json: exactly the stored keys with their sizes, not truncated",
               f"{len(sizes)} entries, truncated {obj.get('truncated')!r}; "
               f"missing {sorted(set(want) - set(sizes))[:5]}, "
               f"extra {sorted(set(sizes) - set(want))[:5]}")
    res = h.run_nzctl(data, "kv", "list", "app", "--prefix", "k19")
    got = sorted(l.split("\t")[0] for l in res[1].splitlines() if l.strip())
    ctx.expect(res[0] == 0 and got == sorted(["k19"] + [f"k19{d}" for d in range(10)]),
               "kv list --prefix k19 lists k19, k190..k199", repr(got))
    res = h.run_nzctl(data, "kv", "get", "secret", "marker")
    ctx.expect(res[0] == 0 and res[1].encode() == marker, "marker reads back after the kill",
               h.fmt_result(res))

    # ---- limits ----------------------------------------------------------------------
    def refused(what, cmd, want_re=None):
        res = h.run_nzctl(data, *cmd)
        ok = res[0] == 2
        if want_re is not None:
            ok = ok and want_re in (res[1] + res[2])
        ctx.expect(ok, f"{what}: exit 2" + (f", names {want_re}" if want_re else ""),
                   h.fmt_result(res))

    res = h.run_nzctl(data, "kv", "put", "app", "K" * MAX_KEY, "v")
    ctx.expect(res[0] == 0, f"key of {MAX_KEY} bytes accepted", h.fmt_result(res))
    refused(f"key of {MAX_KEY + 1} bytes", ["kv", "put", "app", "K" * (MAX_KEY + 1), "v"],
            str(MAX_KEY))
    big = ctx.root / "value-too-big"
    big.write_bytes(b"x" * (MAX_VALUE + 1))
    refused(f"value of {MAX_VALUE + 1} bytes", ["kv", "put", "app", "big", "--file", big],
            str(MAX_VALUE))
    okv = ctx.root / "value-max"
    okv.write_bytes(b"y" * MAX_VALUE)
    res = h.run_nzctl(data, "kv", "put", "limits", "max", "--file", okv)
    ctx.expect(res[0] == 0, f"value of exactly {MAX_VALUE} bytes accepted", h.fmt_result(res))
    bigf = ctx.root / "file-too-big"
    bigf.write_bytes(b"z" * (MAX_FILE + 1))
    refused(f"file of {MAX_FILE + 1} bytes", ["file", "put", "docs", "big", "--file", bigf],
            str(MAX_FILE))
    okf = ctx.root / "file-max"
    okf.write_bytes(b"w" * MAX_FILE)
    res = h.run_nzctl(data, "file", "put", "limits", "max", "--file", okf)
    ctx.expect(res[0] == 0, f"file of exactly {MAX_FILE} bytes accepted", h.fmt_result(res))
    for ns in ("Bad", "a" * 65, "a/b"):
        refused(f"kv put in namespace {ns[:20]!r}{'...' if len(ns) > 20 else ''}",
                ["kv", "put", ns, "k", "v"])
    refused("file put in namespace 'Bad'", ["file", "put", "Bad", "k", "--file", okv])
    res = h.run_nzctl(data, "kv", "put", "a" * 64, "k", "v")
    ctx.expect(res[0] == 0, "kv put in a 64-char namespace accepted", h.fmt_result(res))
    res = h.run_nzctl(data, "kv", "get", "app", "big")
    ctx.expect(res[0] == 1, "the refused oversize value was not stored (get exits 1)",
               h.fmt_result(res))

    # ---- missing and deleted -------------------------------------------------------
    res = h.run_nzctl(data, "kv", "get", "app", "missing")
    ctx.expect(res[0] == 1, "kv get app missing exits 1", h.fmt_result(res))
    res = h.run_nzctl(data, "kv", "del", "app", "k7")
    ctx.expect(res[0] == 0, "kv del app k7 exits 0", h.fmt_result(res))
    res = h.run_nzctl(data, "kv", "get", "app", "k7")
    ctx.expect(res[0] == 1, "kv get of the deleted key exits 1", h.fmt_result(res))
    res = h.run_nzctl(data, "file", "get", "docs", "missing")
    ctx.expect(res[0] == 1, "file get docs missing exits 1", h.fmt_result(res))

    # ---- no plaintext anywhere -----------------------------------------------------
    node.signal(signal.SIGTERM)
    rc = node.wait(30)
    ctx.check(rc == 0, "node stops cleanly (SIGTERM -> 0)", f"exit status {rc}")

    patterns = {}
    patterns.update(needles("marker", marker))
    patterns["mnemonic (space separated)"] = " ".join(words).encode()
    patterns["mnemonic (newline separated)"] = "\n".join(words).encode()
    patterns["mnemonic (first 4 words)"] = " ".join(words[:4]).encode()
    patterns["passphrase"] = passphrase.encode()
    patterns.update(needles("passphrase", passphrase.encode()))
    secrets = bip39_secrets(words)
    if secrets:
        patterns.update(needles("BIP-39 entropy", secrets[0]))
        patterns.update(needles("BIP-39 seed", secrets[1]))
    else:
        ctx.note(f"{BIP39_WORDLIST} missing: entropy/seed not scanned for")

    # positive control: the scanner finds what it must find
    control = ctx.root / "scan-control.bin"
    control.write_bytes(b"..." + base64.b64encode(b"ab" + marker) + b"..."
                        + marker.hex().upper().encode())
    found = {w for _, w in scan([control, mfile_in, mfile, P], patterns)}
    want_found = {"marker (raw)", "marker (HEX)", "mnemonic (space separated)",
                  "passphrase"} | {w for w in patterns if w.startswith("marker (base64")
                                   and w.endswith("2)")}
    ctx.expect(want_found <= found, "the scanner finds the secrets in the test's own files "
               "(control)", f"missing {sorted(want_found - found)}")

    files = sorted(p for p in data.rglob("*") if p.is_file())
    names = [str(p.relative_to(data)) for p in files]
    ctx.expect(any(n.startswith("db") for n in names) and any("crash" in n for n in names)
               and any(n.startswith("logs") for n in names),
               "the scan covers db/, logs/ and crash/ files", repr(names))
    ctx.note(f"scanning {len(files)} files: {names}")
    outputs = []
    for n in ctx._nodes:
        outputs += [n.stdout_path, n.stderr_path]
    hits = scan(files + outputs, patterns)
    ctx.expect(not hits, "no marker, mnemonic, passphrase or BIP-39 secret in any file of "
               "the data dir or the node's stdout/stderr",
               "; ".join(f"{p}: {w}" for p, w in hits[:20]))
    mdb = data / "db" / "data.mdb"
    if mdb.exists():
        blob = mdb.read_bytes()
        ctx.note(f"db/data.mdb is {len(blob)} bytes; key names in clear there (informational,"
                 f" only values are sealed by contract): 'marker-file' "
                 f"{'found' if b'marker-file' in blob else 'not found'}, namespace 'secret' "
                 f"{'found' if b'secret' in blob else 'not found'}")
    init_hits = [w for w, pat in patterns.items() if pat in init_out.encode()
                 and not w.startswith("marker")]
    ctx.expect(not init_hits, "init --mnemonic-out printed no mnemonic or passphrase",
               repr(init_hits))


if __name__ == "__main__":
    h.main("sealed_kv", body)
