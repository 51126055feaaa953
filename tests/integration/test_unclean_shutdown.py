#!/usr/bin/python3
"""Clean vs. unclean shutdown detection (RUNNING marker, crash report, counters) and
the data-dir lock against a second nzcore."""

import os
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nzharness as h  # noqa: E402


def crash_files(data):
    d = data / "crash"
    if not d.is_dir():
        return []
    return sorted(p for p in d.rglob("*") if p.is_file())


def body(ctx):
    data = ctx.new_dir("data")

    # boot 1, clean stop
    n1 = ctx.start_node(data)
    h.wait_ready(n1)
    st = h.status(ctx, data)
    ctx.expect(st.get("boot_count") == 1 and st.get("unclean_shutdowns") == 0,
               "first boot: boot_count 1, unclean_shutdowns 0",
               f"boot_count {st.get('boot_count')}, unclean {st.get('unclean_shutdowns')}")
    ctx.expect((data / "RUNNING").exists(), "RUNNING marker exists while running")

    # a second nzcore on the same data dir is refused
    port_before = (data / "admin.port").read_text()
    intruder = ctx.start_node(data)
    rc = intruder.wait(20)
    ctx.expect(rc == 5, "a second nzcore on the same data dir exits 5 (locked) within 20 s",
               f"exit status {rc}; stderr: {h.tail(intruder.stderr_path, 600)!r}")
    if rc is None:
        intruder.kill9()
    ctx.expect(n1.running(), "the first node still runs")
    res = h.run_nzctl(data, "status")
    ctx.expect(res[0] == 0, "status of the first node still exits 0", h.fmt_result(res))
    ctx.expect((data / "admin.port").read_text() == port_before,
               "admin.port not overwritten by the refused second node")
    ctx.expect((data / "RUNNING").exists(), "RUNNING marker not removed by the refused node")
    st = h.status(ctx, data)
    ctx.expect(st.get("pid") == n1.pid and st.get("boot_count") == 1,
               "status still the first node's (pid, boot_count 1)", repr(st))

    n1.signal(signal.SIGTERM)
    rc = n1.wait(30)
    ctx.check(rc == 0, "boot 1: SIGTERM -> exit 0", f"exit status {rc}")
    ctx.expect(not (data / "RUNNING").exists(), "RUNNING removed after clean shutdown")

    # boot 2 after a clean stop
    n2 = ctx.start_node(data)
    h.wait_ready(n2)
    st = h.status(ctx, data)
    ctx.expect(st.get("boot_count") == 2, "boot 2: boot_count 2", repr(st.get("boot_count")))
    ctx.expect(st.get("unclean_shutdowns") == 0, "boot 2 after a clean stop: "
               "unclean_shutdowns 0", repr(st.get("unclean_shutdowns")))
    ctx.expect(not crash_files(data), "no crash report after a clean stop",
               repr([str(p) for p in crash_files(data)]))

    # kill -9, boot 3
    n2.kill9()
    ctx.check(not n2.running(), "boot 2 killed with SIGKILL")
    ctx.expect((data / "RUNNING").exists(), "RUNNING marker left behind by the killed node")
    n3 = ctx.start_node(data)
    h.wait_ready(n3)
    st = h.status(ctx, data)
    ctx.expect(st.get("boot_count") == 3, "boot 3: boot_count 3", repr(st.get("boot_count")))
    ctx.expect(st.get("unclean_shutdowns") == 1, "boot 3 after kill -9: unclean_shutdowns 1",
               repr(st.get("unclean_shutdowns")))
    files = crash_files(data)
    ctx.expect(files, "a crash report exists under crash/",
               f"crash/ {'exists but is empty' if (data / 'crash').is_dir() else 'missing'}")
    for f in files:
        ctx.note(f"crash report {f.relative_to(data)} ({f.stat().st_size} bytes)")
    ctx.note(f"recovery after kill -9: {st.get('recovery')!r}; warnings: {st.get('warnings')!r}")
    ctx.expect((data / "RUNNING").exists(), "RUNNING marker re-created by boot 3")

    n3.signal(signal.SIGTERM)
    rc = n3.wait(30)
    ctx.check(rc == 0, "boot 3: SIGTERM -> exit 0", f"exit status {rc}")
    ctx.expect(not (data / "RUNNING").exists(), "RUNNING removed after clean shutdown")

    # boot 4: the unclean shutdown was counted once, not again
    n4 = ctx.start_node(data)
    h.wait_ready(n4)
    st = h.status(ctx, data)
    ctx.expect(st.get("boot_count") == 4 and st.get("unclean_shutdowns") == 1,
               "boot 4 after a clean stop: boot_count 4, unclean_shutdowns still 1",
               f"boot_count {st.get('boot_count')}, unclean {st.get('unclean_shutdowns')}")
    ctx.expect(len(crash_files(data)) == len(files), "no new crash report after a clean stop",
               repr([str(p) for p in crash_files(data)]))
    rc = n4.stop()
    ctx.check(rc == 0, "boot 4: SIGTERM -> exit 0", f"exit status {rc}")


if __name__ == "__main__":
    h.main("unclean_shutdown", body)
