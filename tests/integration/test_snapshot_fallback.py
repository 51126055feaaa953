#!/usr/bin/python3
"""A corrupt newest snapshot of node_info falls back to the previous one with a longer
replay; the fallback is reported (status warnings/recovery, log) and no state is lost."""

import json
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

CONFIG = "[nzcore]\nsnapshot-every=1\n"
MENTION = re.compile(r"corrupt|fall ?back|fell back|checksum|invalid", re.I)


def mentions_fallback(text):
    return bool(MENTION.search(text or "")) and "snapshot" in (text or "").lower()


def body(ctx):
    data = ctx.new_dir("data")
    cfg = ctx.root / "nzcore.ini"
    cfg.write_text(CONFIG)

    for boot in (1, 2, 3):
        node = ctx.start_node(data, "--config", cfg)
        h.wait_ready(node)
        st = h.status(ctx, data)
        ctx.check(st.get("boot_count") == boot, f"boot {boot}: boot_count {boot}",
                  repr(st.get("boot_count")))
        if boot == 1:
            ctx.expect(not [w for w in st.get("warnings", []) if mentions_fallback(w)],
                       "no snapshot warning on a fresh data dir", repr(st.get("warnings")))
        rc = node.stop()
        ctx.check(rc == 0, f"boot {boot}: SIGTERM -> exit 0", f"exit status {rc}")

    tool = h.binary("NZ_STORAGE_TOOL")
    res = h.subprocess_run([tool, "stats", data / "db"])
    ctx.expect(res[0] == 0, "nz_storage_tool stats exits 0", h.fmt_result(res))
    for line in res[1].splitlines()[:30]:
        ctx.note(f"stats: {line}")

    res = h.subprocess_run([tool, "corrupt-snapshot", data / "db", "node_info"])
    ctx.check(res[0] == 0, "nz_storage_tool corrupt-snapshot <db> node_info exits 0",
              h.fmt_result(res))
    ctx.note(f"corrupt-snapshot: {res[1].strip()[:300]}")

    log_before = 0
    try:
        log_before = (data / "logs" / "nzcore.log").stat().st_size
    except OSError:
        pass

    node = ctx.start_node(data, "--config", cfg)
    h.wait_ready(node)
    st = h.status(ctx, data)
    ctx.expect(st.get("boot_count") == 4, "boot after corruption: boot_count 4 (nothing lost)",
               repr(st.get("boot_count")))
    ctx.expect(st.get("unclean_shutdowns") == 0, "unclean_shutdowns still 0",
               repr(st.get("unclean_shutdowns")))
    warnings = st.get("warnings") or []
    notes = [f"{r.get('actor')}: {r.get('note')}" for r in (st.get("recovery") or [])
             if isinstance(r, dict)]
    ctx.note(f"warnings: {warnings!r}")
    ctx.note(f"recovery: {notes!r}")
    reported = [w for w in warnings if mentions_fallback(w)] + \
               [n for n in notes if n.startswith("node_info") and mentions_fallback(n)]
    ctx.expect(reported, "status (warnings or node_info recovery note) reports the corrupt "
               "snapshot / fallback", json.dumps({"warnings": warnings, "recovery": notes}))

    log = h.read_log(node)
    new_log = log[log_before:] if len(log) >= log_before else log
    hits = [l for l in new_log.splitlines() if mentions_fallback(l)]
    ctx.expect(hits, "the log reports the corrupt snapshot / fallback",
               f"no matching line in {len(new_log.splitlines())} new log lines")
    for l in hits[:3]:
        ctx.note(f"log: {l.strip()[:200]}")

    acts = h.actors_by_name(ctx, data)
    ni = acts.get("node_info", {})
    ctx.expect(ni.get("state") == "running", "node_info running after the fallback", repr(ni))
    rc = node.stop()
    ctx.check(rc == 0, "SIGTERM -> exit 0", f"exit status {rc}")

    # One more boot: still consistent.
    node = ctx.start_node(data, "--config", cfg)
    h.wait_ready(node)
    st = h.status(ctx, data)
    ctx.expect(st.get("boot_count") == 5, "next boot: boot_count 5", repr(st.get("boot_count")))
    rc = node.stop()
    ctx.check(rc == 0, "SIGTERM -> exit 0", f"exit status {rc}")


if __name__ == "__main__":
    h.main("snapshot_fallback", body)
