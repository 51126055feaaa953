#!/usr/bin/python3
"""Per-client lockout: 5 wrong tokens lock a client out (even with the right token
afterwards), other clients keep working, and the lockout survives a crash of
auth_limiter and a kill -9 + restart of the node. The token never reaches the log."""

import os
import secrets
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

ATTACKER = "attacker"
ADMIN = "admin"


def wrong_token_for(real):
    """A token of the same shape that differs from the real one."""
    while True:
        cand = secrets.token_hex(max(16, len(real) // 2 + 1))[:max(len(real), 8)]
        if cand != real:
            return cand


def body(ctx):
    data = ctx.new_dir("data")
    node = ctx.start_node(data, "--enable-chaos")
    h.wait_ready(node)
    ctx.check(True, "node (with --enable-chaos) ready")

    tok_path = data / "admin.token"
    mode = tok_path.stat().st_mode & 0o777
    ctx.expect(mode == 0o600, "admin.token has mode 0600", oct(mode))
    real = tok_path.read_text().strip()
    ctx.check(real, "admin.token holds a token")
    ctx.expect(len(real) >= 16, "the token has >= 16 characters", repr(len(real)))
    tokens_seen = {real}

    wrong = ctx.root / "wrong.token"
    wrong.write_text(wrong_token_for(real) + "\n")
    os.chmod(wrong, 0o600)

    # Non-fatal: an off-by-one in the lockout is worth reporting, and the durability
    # checks below still mean something.
    for i in range(1, 6):
        res = h.run_nzctl(data, "status", token_file=wrong, client=ATTACKER)
        ctx.expect(res[0] == 3, f"attempt {i} with a wrong token exits 3 (unauthorized)",
                   h.fmt_result(res))
    res = h.run_nzctl(data, "status", token_file=wrong, client=ATTACKER)
    ctx.expect(res[0] == 4, "attempt 6 with a wrong token exits 4 (locked out)",
               h.fmt_result(res))
    res = h.run_nzctl(data, "status", token_file=tok_path, client=ATTACKER)
    ctx.check(res[0] == 4, "attempt 7 with the RIGHT token from the locked client exits 4",
              h.fmt_result(res))
    res = h.run_nzctl(data, "status", client=ATTACKER)
    ctx.expect(res[0] == 4, "locked client with the token read from the data dir exits 4",
               h.fmt_result(res))
    res = h.run_nzctl(data, "status", client=ADMIN)
    ctx.check(res[0] == 0, "another client (admin) with the right token exits 0",
              h.fmt_result(res))

    # crash the limiter: the lockout is durable state, restored by replay
    before = h.actors_by_name(ctx, data, client=ADMIN).get("auth_limiter")
    ctx.check(before is not None, "actors lists auth_limiter")
    r0 = int(before.get("restarts", 0))
    res = h.run_nzctl(data, "chaos", "crash", "auth_limiter", client=ADMIN)
    ctx.check(res[0] == 0, "chaos crash auth_limiter (as admin) exits 0", h.fmt_result(res))
    a = h.wait_restarted(ctx, data, "auth_limiter", r0 + 1, client=ADMIN)
    ctx.check(True, f"auth_limiter restarted (restarts {r0} -> {a.get('restarts')}) and running")
    res = h.run_nzctl(data, "status", token_file=tok_path, client=ATTACKER)
    ctx.check(res[0] == 4, "after the auth_limiter restart the attacker (right token) "
              "still exits 4", h.fmt_result(res))
    res = h.run_nzctl(data, "status", client=ADMIN)
    ctx.check(res[0] == 0, "after the auth_limiter restart admin exits 0", h.fmt_result(res))

    # kill -9 and restart: the lockout survives
    node.kill9()
    ctx.check(not node.running(), "node killed with SIGKILL")
    node2 = ctx.start_node(data, "--enable-chaos")
    h.wait_ready(node2)
    ctx.check(True, "node restarted after kill -9")
    real2 = tok_path.read_text().strip()
    tokens_seen.add(real2)
    ctx.note("admin token " + ("unchanged" if real2 == real else "regenerated") +
             " across the restart")
    mode = tok_path.stat().st_mode & 0o777
    ctx.expect(mode == 0o600, "admin.token has mode 0600 after the restart", oct(mode))
    res = h.run_nzctl(data, "status", token_file=tok_path, client=ATTACKER)
    ctx.check(res[0] == 4, "after kill -9 + restart the attacker (right token) still exits 4",
              h.fmt_result(res))
    res = h.run_nzctl(data, "status", client=ADMIN)
    ctx.check(res[0] == 0, "after kill -9 + restart admin exits 0", h.fmt_result(res))

    # Global failure budget (20/min over all clients): wrong tokens from ever new
    # clients are throttled (exit 5) at the latest after 20 failures.
    seen = []
    for i in range(1, 23):
        res = h.run_nzctl(data, "status", token_file=wrong, client=f"spray{i}")
        seen.append(res[0])
        if res[0] == 5:
            break
    ctx.expect(seen and seen[-1] == 5 and len(seen) <= 21 and set(seen[:-1]) <= {3},
               f"wrong tokens from fresh clients: exit 3 until the global budget is used "
               f"up, then 5 (throttled) (after {len(seen) - 1} failures)", repr(seen))
    res = h.run_nzctl(data, "status", client=ADMIN)
    ctx.note(f"admin with the right token while the global budget is exhausted: exit {res[0]}")

    rc = node2.stop()
    ctx.expect(rc == 0, "SIGTERM -> exit 0", f"exit status {rc}")

    # the token never appears in the logs
    log = h.read_log(node2)
    ctx.expect(log, "logs/nzcore.log is not empty")
    leaked = [t for t in tokens_seen if t in log]
    ctx.expect(not leaked, "no admin token appears in logs/nzcore.log",
               f"{len(leaked)} token(s) found in the log")
    err = node.stderr_text() + node2.stderr_text() + node.stdout_text() + node2.stdout_text()
    leaked = [t for t in tokens_seen if t in err]
    ctx.expect(not leaked, "no admin token appears on the node's stdout/stderr",
               f"{len(leaked)} token(s) found")
    wrong_tok = wrong.read_text().strip()
    ctx.expect(wrong_tok not in log, "the wrong token presented by the attacker is not logged")


if __name__ == "__main__":
    h.main("auth_lockout", body)
