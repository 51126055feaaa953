#!/usr/bin/python3
"""A node starts and serves the operator commands: status, actors, metrics,
usage errors, chaos refused without --enable-chaos, and shutdown."""

import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

EXPECTED_ACTORS = ["root", "metrics", "core", "storage", "node_info", "auth_limiter",
                   "operator", "shutdown"]
STATUS_FIELDS = ["state", "pid", "uptime_seconds", "version", "boot_count",
                 "unclean_shutdowns", "recovery", "warnings"]
ACTOR_FIELDS = ["name", "parent", "kind", "strategy", "state", "restarts",
                "last_exit_reason"]


def body(ctx):
    data = ctx.new_dir("data")
    node = ctx.start_node(data)
    port = h.wait_ready(node)
    ctx.check(True, f"node ready (admin port {port})")
    ctx.expect("nzcore: node running" in node.stdout_text(),
               "stdout announces 'nzcore: node running'", repr(node.stdout_text()[:300]))
    ctx.expect(0 < port < 65536, "admin.port holds a decimal port", str(port))
    tok = data / "admin.token"
    ctx.expect(tok.exists() and (tok.stat().st_mode & 0o777) == 0o600,
               "admin.token exists with mode 0600",
               oct(tok.stat().st_mode & 0o777) if tok.exists() else "missing")
    ctx.expect((data / "RUNNING").exists(), "RUNNING marker exists while running")
    ctx.expect((data / "db").is_dir(), "db/ (LMDB environment) exists")
    ctx.expect(node.log_path.exists(), "logs/nzcore.log exists")

    # status (text)
    res = h.run_nzctl(data, "status")
    ctx.expect(res[0] == 0 and res[1].strip(), "status exits 0 and prints something",
               h.fmt_result(res))

    # status --json
    st = h.status(ctx, data)
    missing = [f for f in STATUS_FIELDS if f not in st]
    ctx.expect(not missing, "status --json has all fields", f"missing {missing} in {st}")
    ctx.expect(st.get("state") == "running", "status state is running", repr(st.get("state")))
    ctx.expect(st.get("pid") == node.pid, "status pid equals the process pid",
               f"status pid {st.get('pid')!r}, process pid {node.pid}")
    up = st.get("uptime_seconds")
    ctx.expect(isinstance(up, (int, float)) and up >= 0, "uptime_seconds is a number >= 0",
               repr(up))
    ctx.expect(isinstance(st.get("version"), str) and st.get("version"),
               "version is a non-empty string", repr(st.get("version")))
    ctx.expect(st.get("boot_count") == 1, "boot_count is 1 on a fresh data dir",
               repr(st.get("boot_count")))
    ctx.expect(st.get("unclean_shutdowns") == 0, "unclean_shutdowns is 0 on a fresh data dir",
               repr(st.get("unclean_shutdowns")))
    rec = st.get("recovery")
    ctx.expect(isinstance(rec, list) and all(isinstance(r, dict) and "actor" in r and "note" in r
                                             for r in rec),
               "recovery is a list of {actor, note}", repr(rec)[:300])
    w = st.get("warnings")
    ctx.expect(isinstance(w, list) and all(isinstance(x, str) for x in w),
               "warnings is a list of strings", repr(w)[:300])

    # actors --json
    acts = h.actors_by_name(ctx, data)
    missing = [n for n in EXPECTED_ACTORS if n not in acts]
    ctx.expect(not missing, "actors lists root, metrics, core, storage, node_info, "
               "auth_limiter, operator, shutdown", f"missing {missing}; got {sorted(acts)}")
    bad_fields = {n: [f for f in ACTOR_FIELDS if f not in a] for n, a in acts.items()}
    bad_fields = {n: f for n, f in bad_fields.items() if f}
    ctx.expect(not bad_fields, "every actor entry has name/parent/kind/strategy/state/"
               "restarts/last_exit_reason", repr(bad_fields))
    not_running = {n: a.get("state") for n, a in acts.items() if a.get("state") != "running"}
    ctx.expect(not not_running, "all actors are running", repr(not_running))
    restarted = {n: a.get("restarts") for n, a in acts.items() if a.get("restarts") != 0}
    ctx.expect(not restarted, "no actor has restarted on a fresh node", repr(restarted))
    orphans = {n: a.get("parent") for n, a in acts.items()
               if n != "root" and a.get("parent") not in acts}
    ctx.expect(not orphans, "every actor but root has a listed parent", repr(orphans))

    # metrics + promtool
    res = h.run_nzctl(data, "metrics")
    ctx.expect(res[0] == 0, "metrics exits 0", h.fmt_result(res))
    text = res[1]
    ctx.expect(any(l.startswith("nzcore_uptime_seconds") for l in text.splitlines()),
               "metrics contain nzcore_uptime_seconds", text[:400])
    pt = subprocess.run([h.binary("PROMTOOL"), "check", "metrics"], input=text.encode(),
                        capture_output=True, timeout=30)
    ctx.expect(pt.returncode == 0, "metrics pass `promtool check metrics`",
               f"rc={pt.returncode} {pt.stdout.decode()[:800]} {pt.stderr.decode()[:800]}")

    # usage errors and help
    res = h.run_nzctl(data, "no-such-command")
    ctx.expect(res[0] == 2 and res[2].strip(), "unknown command exits 2 with usage on stderr",
               h.fmt_result(res))
    res = h.run_nzctl(data, "status", "--no-such-option")
    ctx.expect(res[0] == 2, "bad argument exits 2", h.fmt_result(res))
    res = h.run_nzctl(None, "--help")
    ctx.expect(res[0] == 0 and (res[1] + res[2]).strip(), "--help exits 0 and prints help",
               h.fmt_result(res))

    # chaos refused
    res = h.run_nzctl(data, "chaos", "crash", "node_info")
    ctx.expect(res[0] == 7, "chaos crash without --enable-chaos exits 7 (forbidden)",
               h.fmt_result(res))
    acts = h.actors_by_name(ctx, data)
    ni = acts.get("node_info", {})
    ctx.expect(ni.get("restarts") == 0 and ni.get("state") == "running",
               "node_info untouched by the refused chaos request", repr(ni))

    # shutdown
    res = h.run_nzctl(data, "shutdown")
    ctx.check(res[0] == 0, "shutdown exits 0", h.fmt_result(res))
    rc = node.wait(30)
    ctx.check(rc == 0, "node exits 0 within 30 s after shutdown", f"exit status {rc}")
    ctx.expect(not (data / "RUNNING").exists(), "RUNNING marker removed after clean shutdown")

    # nothing listening any more
    res = h.run_nzctl(data, "status", nz_timeout=5, timeout=20)
    ctx.expect(res[0] == 6, "status against a stopped node exits 6 (unavailable)",
               h.fmt_result(res))


if __name__ == "__main__":
    h.main("operator_basics", body)
