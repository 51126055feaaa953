#!/usr/bin/python3
"""Chaos: crashing node_info, storage and operator one at a time; each is restarted by
its supervisor, the node keeps its state (boot_count) and shuts down cleanly."""

import os
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402

VICTIMS = ["node_info", "storage", "operator"]


def body(ctx):
    data = ctx.new_dir("data")
    node = ctx.start_node(data, "--enable-chaos")
    h.wait_ready(node)
    ctx.check(True, "node (with --enable-chaos) ready")

    st0 = h.status(ctx, data)
    boot0, unclean0 = st0.get("boot_count"), st0.get("unclean_shutdowns")
    ctx.check(isinstance(boot0, int) and boot0 >= 1, "status reports boot_count", repr(boot0))

    for victim in VICTIMS:
        acts_before = h.actors_by_name(ctx, data)
        before = acts_before.get(victim)
        ctx.check(before is not None, f"actors lists {victim}")
        r0 = int(before.get("restarts", 0))
        res = h.run_nzctl(data, "chaos", "crash", victim)
        if victim == "operator":
            # The operator crashes while answering: a clear error (6) is acceptable, a
            # hang is not (run_nzctl's timeout would report rc -999).
            ctx.check(res[0] in (0, 6), "chaos crash operator exits 0 (or 6: the reply "
                      "raced the crash), never hangs", h.fmt_result(res))
            ctx.note(f"chaos crash operator exited {res[0]}")
        else:
            ctx.check(res[0] == 0, f"chaos crash {victim} exits 0", h.fmt_result(res))
        a = h.wait_restarted(ctx, data, victim, r0 + 1)
        ctx.check(True, f"{victim} restarted (restarts {r0} -> {a.get('restarts')}) and "
                  f"running again")
        ctx.expect(int(a.get("restarts")) == r0 + 1, f"{victim} restarted exactly once",
                   f"restarts {r0} -> {a.get('restarts')}")
        ctx.note(f"{victim} last_exit_reason: {a.get('last_exit_reason')!r}")
        acts = h.actors_by_name(ctx, data)
        others = {n: (int(acts_before[n].get("restarts", 0)), int(x.get("restarts", 0)))
                  for n, x in acts.items()
                  if n != victim and n in acts_before
                  and int(x.get("restarts", 0)) != int(acts_before[n].get("restarts", 0))}
        parent = acts_before.get(before.get("parent"), {})
        if others:
            ctx.note(f"also restarted with {victim}: {others}")
        if parent.get("strategy") == "one_for_one":
            # only the victim and its own descendants may restart
            def descends(n):
                seen = set()
                while n in acts and n not in seen:
                    seen.add(n)
                    n = acts[n].get("parent")
                    if n == victim:
                        return True
                return False
            foreign = {n: v for n, v in others.items() if not descends(n)}
            ctx.expect(not foreign, f"{victim}'s parent {parent.get('name')} is one_for_one: "
                       f"no sibling restarted", repr(foreign))
        not_running = {n: x.get("state") for n, x in acts.items() if x.get("state") != "running"}
        ctx.expect(not not_running, f"all actors running after the {victim} crash",
                   repr(not_running))
        st = h.status(ctx, data)
        ctx.expect(st.get("state") == "running", f"status works after the {victim} crash")
        ctx.expect(st.get("boot_count") == boot0,
                   f"boot_count unchanged after the {victim} crash (state replayed)",
                   f"before {boot0}, now {st.get('boot_count')}")
        ctx.expect(node.running(), f"node process still alive after the {victim} crash")

    st = h.status(ctx, data)
    ctx.expect(st.get("boot_count") == boot0 and st.get("unclean_shutdowns") == unclean0,
               "status: same boot_count and unclean_shutdowns as before the crashes",
               f"before ({boot0}, {unclean0}), after ({st.get('boot_count')}, "
               f"{st.get('unclean_shutdowns')})")
    res = h.run_nzctl(data, "metrics")
    ctx.expect(res[0] == 0, "metrics still served after the crashes", h.fmt_result(res))

    node.signal(signal.SIGTERM)
    rc = node.wait(30)
    ctx.check(rc == 0, "SIGTERM -> exit 0 within 30 s", f"exit status {rc}")
    ctx.expect(not (data / "RUNNING").exists(), "RUNNING marker removed")


if __name__ == "__main__":
    h.main("chaos_restart", body)
