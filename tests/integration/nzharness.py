"""Shared harness for the NewZoneCore integration tests.

Real `nzcore` processes on 127.0.0.1, driven through `nzctl`. Standard library only;
run with /usr/bin/python3 (3.11).

Binaries come from the environment (set by CTest, see CMakeLists.txt):
  NZCORE, NZCTL, NZ_STORAGE_TOOL, NZTEST_JOURNAL_WRITER, NZTEST_ROGUE_NODE, PROMTOOL.
For a run by hand, a missing variable falls back to the first executable of that
name under <repo>/build (or $NZ_BUILD_DIR).

Conventions:
- every check prints one line: "ok   <what>" or "FAIL <what>: <detail>";
- `ctx.check(...)` is fatal (the test stops), `ctx.expect(...)` records the failure and
  the test goes on (used where later checks do not depend on the result);
- no sleeps for synchronisation: only bounded polling loops (`poll_until`);
- every process started through the context lives in its own process group, gets
  PR_SET_PDEATHSIG=SIGKILL (dies with the driver even when the driver is SIGKILLed by a
  CTest timeout) and is killed at the end of the test, pass or fail;
- each test has its own temporary directory, removed on success and kept (path printed)
  on failure; NZ_KEEP_TMP=1 keeps it always.
"""

import ctypes
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

POLL_INTERVAL = 0.03          # seconds between polls
READY_TIMEOUT = 20.0          # node start → ready
EXIT_TIMEOUT = 30.0           # graceful shutdown → process exit
NZCTL_TIMEOUT = 30.0          # one nzctl invocation (process-level timeout)
HARNESS_CLIENT = "harness"    # --client used by the harness' own status polls

REPO = pathlib.Path(__file__).resolve().parents[2]


class Failure(Exception):
    """A fatal check failed (`recorded`: already printed as a FAIL line)."""

    def __init__(self, msg, recorded=False):
        super().__init__(msg)
        self.recorded = recorded


# -- binaries ------------------------------------------------------------------

_BIN_NAMES = {
    "NZCORE": "nzcore",
    "NZCTL": "nzctl",
    "NZ_STORAGE_TOOL": "nz_storage_tool",
    "NZTEST_JOURNAL_WRITER": "nztest_journal_writer",
    "NZTEST_ROGUE_NODE": "nztest_rogue_node",
    "PROMTOOL": "promtool",
}


def binary(var):
    """Path of the binary named by environment variable `var`; Failure when absent."""
    path = os.environ.get(var)
    if not path:
        name = _BIN_NAMES[var]
        if var == "PROMTOOL":
            path = shutil.which("promtool") or "/usr/bin/promtool"
        else:
            build = pathlib.Path(os.environ.get("NZ_BUILD_DIR", REPO / "build"))
            # build/bin first (CMAKE_RUNTIME_OUTPUT_DIRECTORY); stale copies elsewhere
            # in an old build tree must not win.
            cands = [build / "bin" / name]
            cands += sorted(build.rglob(name)) if build.is_dir() else []
            for cand in cands:
                if cand.is_file() and os.access(cand, os.X_OK):
                    path = str(cand)
                    break
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise Failure(f"binary for ${var} not found or not executable (got {path!r}); "
                      f"run through ctest or set {var}")
    return path


# -- child process hygiene -----------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _child_setup(parent_pid):
    def setup():
        # Own process group (start_new_session) + die with the driver.
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:   # the driver died before prctl
            os._exit(99)
    return setup


def _kill_group(pid, sig):
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        pass


def poll_until(fn, timeout, what, interval=POLL_INTERVAL):
    """Calls fn() every `interval` s until it returns a truthy value (returned) or
    `timeout` s pass (Failure naming `what` and the last value)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise Failure(f"timed out after {timeout:.0f}s waiting for {what} "
                          f"(last: {last!r})")
        time.sleep(interval)


def tail(path, limit=3000):
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError as e:
        return f"<cannot read {path}: {e}>"
    text = data[-limit:].decode("utf-8", "replace")
    return ("..." if len(data) > limit else "") + text


# -- processes -----------------------------------------------------------------

class Proc:
    """A child process in its own process group; stdout/stderr go to files unless
    `pipe_stdout`."""

    def __init__(self, ctx, argv, label, pipe_stdout=False, cwd=None, env=None):
        self.ctx = ctx
        self.argv = [str(a) for a in argv]
        self.label = label
        self.stdout_path = ctx.root / f"{label}.stdout"
        self.stderr_path = ctx.root / f"{label}.stderr"
        self._out = None if pipe_stdout else open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.start_wall = time.time()
        self.popen = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipe_stdout else self._out,
            stderr=self._err,
            cwd=cwd,
            env=_merged_env(env),
            start_new_session=True,
            preexec_fn=_child_setup(os.getpid()),
        )
        self.pid = self.popen.pid
        ctx._procs.append(self)

    @property
    def returncode(self):
        return self.popen.poll()

    def running(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.running():
            self.popen.send_signal(sig)

    def wait(self, timeout=EXIT_TIMEOUT):
        """Exit status, or None when still running after `timeout` s."""
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill9(self):
        """SIGKILL the whole process group and reap the process."""
        _kill_group(self.pid, signal.SIGKILL)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        return self.popen.returncode

    def close(self):
        """Kills the group if anything of it is still alive; closes files."""
        if self.popen.poll() is None:
            self.kill9()
        else:
            _kill_group(self.pid, signal.SIGKILL)   # stray grandchildren, if any
        if self.popen.stdout:
            self.popen.stdout.close()
        for f in (self._out, self._err):
            if f:
                f.close()

    def stdout_text(self):
        return self.stdout_path.read_text("utf-8", "replace") if self._out else ""

    def stderr_text(self):
        return self.stderr_path.read_text("utf-8", "replace")


class Node(Proc):
    """An `nzcore run` process."""

    def __init__(self, ctx, data, args, label, env=None):
        self.data = pathlib.Path(data)
        super().__init__(ctx, [binary("NZCORE"), "run", "--data", self.data, *args], label,
                         env=env)

    def stop(self, timeout=EXIT_TIMEOUT):
        """SIGTERM and wait; exit status, or None when it did not exit in time (then it
        is killed)."""
        self.signal(signal.SIGTERM)
        rc = self.wait(timeout)
        if rc is None:
            self.kill9()
        return rc

    @property
    def log_path(self):
        return self.data / "logs" / "nzcore.log"

    def diagnostics(self):
        return (f"--- {self.label}: argv {' '.join(self.argv)}\n"
                f"--- returncode {self.popen.poll()}\n"
                f"--- stdout:\n{tail(self.stdout_path, 1500)}\n"
                f"--- stderr (tail):\n{tail(self.stderr_path)}\n")


# -- the test context ----------------------------------------------------------

class Context:
    def __init__(self, name):
        self.name = name
        self.root = pathlib.Path(tempfile.mkdtemp(prefix=f"nzit-{name}-"))
        self._procs = []
        self._nodes = []
        self.failures = []
        self.checks = 0
        self._labels = {}

    # checks
    def _report(self, ok, what, detail):
        self.checks += 1
        if ok:
            print(f"ok   {what}", flush=True)
        else:
            msg = f"{what}: {detail}" if detail else what
            print(f"FAIL {msg}", flush=True)
            self.failures.append(msg)

    def check(self, cond, what, detail=""):
        """Fatal check."""
        self._report(bool(cond), what, detail)
        if not cond:
            raise Failure(what, recorded=True)

    def expect(self, cond, what, detail=""):
        """Non-fatal check; returns cond."""
        self._report(bool(cond), what, detail)
        return bool(cond)

    def note(self, text):
        print(f"     # {text}", flush=True)

    # paths
    def new_dir(self, name="data"):
        d = self.root / name
        d.mkdir(parents=True, exist_ok=False)
        return d

    def _label(self, base):
        n = self._labels.get(base, 0) + 1
        self._labels[base] = n
        return f"{base}-{n}"

    # identity
    def passphrase_file(self):
        """A test passphrase in a 0600 file (created once per test)."""
        p = self.root / "passphrase"
        if not p.exists():
            p.write_text("integration test passphrase\n")
            p.chmod(0o600)
        return p

    def init_identity(self, data):
        """`nzcore init` with the minimum Argon2id cost (fast); returns its stdout."""
        res = subprocess_run([binary("NZCORE"), "init", "--data", str(data),
                              "--passphrase-file", str(self.passphrase_file()),
                              "--kdf", "min", "--show-mnemonic"])
        self.check(res[0] == 0, "nzcore init creates an identity", fmt_result(res))
        return res[1]

    def init_identity_to_file(self, data, mnemonic_out, passphrase_file=None):
        """`nzcore init --kdf min --mnemonic-out FILE` (the mnemonic is not printed);
        fatal check that it exits 0; returns (stdout, mnemonic words)."""
        pf = passphrase_file or self.passphrase_file()
        res = subprocess_run([binary("NZCORE"), "init", "--data", str(data),
                              "--passphrase-file", str(pf), "--kdf", "min",
                              "--mnemonic-out", str(mnemonic_out)])
        self.check(res[0] == 0, "nzcore init --mnemonic-out creates an identity",
                   fmt_result(res))
        return res[1], pathlib.Path(mnemonic_out).read_text().split()

    # processes
    def start_node_raw(self, data, *args, env=None):
        """Starts `nzcore run --data DATA ARGS...` exactly as given: no identity is
        created and no --passphrase-file added. `env`: extra environment variables
        (a value of None removes the variable)."""
        node = Node(self, data, list(args), self._label("nzcore"), env=env)
        self._nodes.append(node)
        return node

    def start_node(self, data, *args):
        """Starts `nzcore run` on DATA, creating an identity there first if it has
        none (the passphrase comes from passphrase_file())."""
        if not (pathlib.Path(data) / "identity.key").exists():
            self.init_identity(data)
        args = ["--passphrase-file", str(self.passphrase_file()), *args]
        node = Node(self, data, list(args), self._label("nzcore"))
        self._nodes.append(node)
        return node

    def spawn(self, argv, label, pipe_stdout=False):
        return Proc(self, argv, self._label(label), pipe_stdout=pipe_stdout)

    def cleanup(self):
        for p in reversed(self._procs):
            try:
                p.close()
            except Exception as e:   # keep cleaning the others
                print(f"     # cleanup of {p.label} failed: {e}", flush=True)

    def dump_diagnostics(self):
        for node in self._nodes:
            print(node.diagnostics(), flush=True)


def run_nzctl(data, *cmd, port=None, token_file=None, client=None, json_out=False,
              nz_timeout=None, timeout=NZCTL_TIMEOUT, extra_global=()):
    """Runs `nzctl --data DATA [globals] CMD...`; returns (rc, stdout, stderr).
    rc is -999 when nzctl did not finish within `timeout` s (it is killed)."""
    argv = [binary("NZCTL")]
    if data is not None:
        argv += ["--data", str(data)]
    if port is not None:
        argv += ["--port", str(port)]
    if token_file is not None:
        argv += ["--token-file", str(token_file)]
    if client is not None:
        argv += ["--client", client]
    if nz_timeout is not None:
        argv += ["--timeout", str(nz_timeout)]
    if json_out:
        argv += ["--json"]
    argv += list(extra_global)
    argv += [str(c) for c in cmd]
    return subprocess_run(argv, timeout)


def _merged_env(extra):
    """None, or os.environ updated with `extra` (a value of None removes the variable)."""
    if extra is None:
        return None
    env = dict(os.environ)
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


def subprocess_run(argv, timeout=60, env=None):
    """Runs a short-lived tool; returns (rc, stdout, stderr); rc -999 on timeout.
    `env`: extra environment variables (see _merged_env)."""
    argv = [str(a) for a in argv]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True,
                         env=_merged_env(env),
                         preexec_fn=_child_setup(os.getpid()))
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        _kill_group(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return -999, out.decode("utf-8", "replace"), \
            err.decode("utf-8", "replace") + f"\n<{argv[0]} killed after {timeout}s>"


def fmt_result(res):
    rc, out, err = res
    return f"rc={rc} stdout={out.strip()[:600]!r} stderr={err.strip()[:600]!r}"


def wait_ready(node, timeout=READY_TIMEOUT):
    """Waits until the node is ready: it printed `nzcore: node running` or wrote
    admin.port after it was started, and `nzctl status` exits 0. Failure (with the
    node's output) when it exits or the time runs out. Returns the admin port."""
    data = node.data
    port_file = data / "admin.port"
    token_file = data / "admin.token"
    deadline = time.monotonic() + timeout
    last = None
    while True:
        rc = node.returncode
        if rc is not None:
            raise Failure(f"{node.label} exited with {rc} before it was ready "
                          f"(output below)")
        announced = "nzcore: node running" in node.stdout_text()
        fresh_port = False
        try:
            st = port_file.stat()
            # A stale admin.port from an earlier (killed) run must not count.
            fresh_port = st.st_mtime >= node.start_wall - 0.05 and token_file.exists()
        except FileNotFoundError:
            pass
        if announced or fresh_port:
            last = run_nzctl(data, "status", client=HARNESS_CLIENT, timeout=10)
            if last[0] == 0:
                try:
                    return int(port_file.read_text().strip())
                except (OSError, ValueError) as e:
                    raise Failure(f"{node.label}: status ok but admin.port unreadable: {e}")
        if time.monotonic() >= deadline:
            raise Failure(f"{node.label} not ready after {timeout:.0f}s (announced="
                          f"{announced}, fresh admin.port={fresh_port}, last status: "
                          f"{fmt_result(last) if last else 'not tried'}; output below)")
        time.sleep(POLL_INTERVAL)


def nzctl_json(ctx, data, *cmd, **kw):
    """Runs `nzctl --json CMD`; fatal check that it exits 0 with one JSON object."""
    res = run_nzctl(data, *cmd, json_out=True, **kw)
    rc, out, _ = res
    if rc != 0:
        ctx.check(False, f"nzctl --json {' '.join(cmd)} exits 0", fmt_result(res))
    try:
        obj = json.loads(out)
    except ValueError as e:
        ctx.check(False, f"nzctl --json {' '.join(cmd)} prints JSON", f"{e}: {out[:500]!r}")
    if not isinstance(obj, dict):
        ctx.check(False, f"nzctl --json {' '.join(cmd)} prints a JSON object", repr(obj)[:300])
    return obj


def status(ctx, data, **kw):
    return nzctl_json(ctx, data, "status", **kw)


def actors_by_name(ctx, data, **kw):
    obj = nzctl_json(ctx, data, "actors", **kw)
    actors = obj.get("actors")
    if not isinstance(actors, list):
        ctx.check(False, "actors --json has an \"actors\" list", repr(obj)[:300])
    return {a.get("name"): a for a in actors if isinstance(a, dict)}


def try_actors(data, **kw):
    """actors --json without failing: dict by name, or None (e.g. mid-restart)."""
    rc, out, _ = run_nzctl(data, "actors", json_out=True, timeout=10, **kw)
    if rc != 0:
        return None
    try:
        return {a["name"]: a for a in json.loads(out)["actors"]}
    except (ValueError, KeyError, TypeError):
        return None


def wait_restarted(ctx, data, actor, min_restarts, timeout=20.0, **kw):
    """Polls `actors --json` until `actor` has restarts >= min_restarts and state
    running; returns its entry (or Failure)."""
    def probe():
        acts = try_actors(data, **kw)
        if acts is None:
            return None
        a = acts.get(actor)
        if a and a.get("state") == "running" and int(a.get("restarts", -1)) >= min_restarts:
            return a
        probe.last = a
        return None
    probe.last = None
    try:
        return poll_until(probe, timeout, f"{actor} restarted (>= {min_restarts}) and running")
    except Failure as e:
        ctx.check(False, f"{actor} restarts >= {min_restarts} and running",
                  f"{e}; last entry {probe.last!r}")


def read_log(node):
    try:
        return node.log_path.read_text("utf-8", "replace")
    except OSError:
        return ""


def main(name, body):
    """Runs body(ctx); prints a summary; exits 0 on success, 1 on failure."""
    ctx = Context(name)
    print(f"== integration.{name} (tmp {ctx.root})", flush=True)
    crashed = None
    try:
        body(ctx)
    except Failure as e:
        crashed = None if e.recorded else str(e)
    except Exception:
        crashed = "unexpected exception:\n" + traceback.format_exc()
    finally:
        failed = bool(ctx.failures) or crashed is not None
        if failed:
            if crashed:
                print(f"FAIL {crashed}", flush=True)
                ctx.failures.append(crashed)
            ctx.dump_diagnostics()
        ctx.cleanup()
    if failed:
        print(f"== integration.{name}: FAILED ({len(ctx.failures)} failure(s), "
              f"{ctx.checks} checks run); kept {ctx.root}", flush=True)
        for f in ctx.failures:
            print(f"   - {f.splitlines()[0] if f else f}", flush=True)
        sys.exit(1)
    print(f"== integration.{name}: passed ({ctx.checks} checks)", flush=True)
    if os.environ.get("NZ_KEEP_TMP") != "1":
        shutil.rmtree(ctx.root, ignore_errors=True)
    sys.exit(0)
