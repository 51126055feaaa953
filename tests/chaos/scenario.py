"""The nzchaos scenario language: parsing and validation (no side effects).

A scenario is a text file, one step per line; `#` starts a comment. A step is a
verb followed by words and key=value options. `repeat N` ... `end` repeats the
enclosed steps (nesting allowed, N <= 1000). docs/chaos.md has the grammar and
every step.
"""

import re

MAX_FILE = 64 * 1024
MAX_STEPS = 10_000
MAX_REPEAT = 1000

DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)$")


class ScenarioError(Exception):
    pass


def parse_duration(text, where):
    m = DURATION.match(text)
    if not m:
        raise ScenarioError(f"{where}: '{text}' is not a duration (e.g. 500ms, 5s, 2m)")
    value = float(m.group(1))
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0}[m.group(2)]
    seconds = value * scale
    if seconds > 24 * 3600:
        raise ScenarioError(f"{where}: duration {text} is longer than a day")
    return seconds


class Step:
    def __init__(self, verb, words, opts, line):
        self.verb = verb
        self.words = words
        self.opts = opts
        self.line = line
        self.body = []   # for repeat

    def text(self):
        parts = [self.verb, *self.words, *(f"{k}={v}" for k, v in self.opts.items())]
        return " ".join(parts)


# verb -> (positional word count range, allowed option names)
STEPS = {
    "cluster": ((1, 1), {"disk"}),
    "wait": ((2, 2), set()),
    "sleep": ((1, 1), set()),
    "load": ((1, 1), {"rate", "node", "threads"}),
    "crash": ((2, 2), {"node"}),
    "kill": ((0, 0), {"node"}),
    "stop": ((0, 0), {"node"}),
    "restart": ((0, 0), {"node"}),
    "corrupt": ((1, 1), {"actor", "node"}),
    "fill-disk": ((0, 0), {"node"}),
    "free-disk": ((0, 0), {"node"}),
    "clock-skew": ((0, 0), {"node", "s"}),
    "expect": ((1, 3), {"node", "actor", "max"}),
    "partition": ((3, 17), set()),
    "heal": ((0, 0), set()),
    "delay": ((0, 0), {"node", "ms"}),
    "drop": ((0, 0), {"node", "rate"}),
    "fault": ((1, 1), {"node"}),
    "repeat": ((1, 1), set()),
    "end": ((0, 0), set()),
}

WAIT_CONDITIONS = {"all-nodes-ready"}
LOADS = {"kv-writes", "channel-messages", "stop"}
INVARIANTS = {
    "no-acked-write-lost", "restarts-within-intensity", "no-secret-in-logs",
    "all-nodes-ready", "snapshot-fallback-reported", "writes-failed-clearly",
    "trust-log-intact", "escalated", "partitioned", "converged",
}
# (Steps that needed peer sessions are available since sessions exist.)
NEEDS_SESSIONS = set()


def _tokens(line):
    return line.split()


def parse(text, name="scenario"):
    if len(text.encode()) > MAX_FILE:
        raise ScenarioError(f"{name}: larger than {MAX_FILE} bytes")
    root = []
    stack = [root]
    openers = []
    count = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{lineno}"
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        toks = _tokens(line)
        verb = toks[0]
        if verb not in STEPS:
            raise ScenarioError(f"{where}: unknown step '{verb}' (see docs/chaos.md)")
        words, opts = [], {}
        for t in toks[1:]:
            if "=" in t:
                k, v = t.split("=", 1)
                if not k or not v:
                    raise ScenarioError(f"{where}: bad option '{t}'")
                if k in opts:
                    raise ScenarioError(f"{where}: option '{k}' given twice")
                opts[k] = v
            else:
                words.append(t)
        (lo, hi), allowed = STEPS[verb]
        if not lo <= len(words) <= hi:
            raise ScenarioError(f"{where}: '{verb}' takes {lo}..{hi} words, got {len(words)}")
        for k in opts:
            if k not in allowed:
                raise ScenarioError(f"{where}: '{verb}' has no option '{k}'")
        step = Step(verb, words, opts, lineno)
        _validate(step, where)
        count += 1
        if count > MAX_STEPS:
            raise ScenarioError(f"{name}: more than {MAX_STEPS} steps")
        if verb == "end":
            if len(stack) == 1:
                raise ScenarioError(f"{where}: 'end' without 'repeat'")
            stack.pop()
            openers.pop()
            continue
        stack[-1].append(step)
        if verb == "repeat":
            stack.append(step.body)
            openers.append(lineno)
    if len(stack) > 1:
        raise ScenarioError(f"{name}:{openers[-1]}: 'repeat' without 'end'")
    if not root or root[0].verb != "cluster":
        raise ScenarioError(f"{name}: the first step must be 'cluster N'")
    return root


def _int(text, where, lo, hi, what):
    try:
        v = int(text)
    except ValueError:
        raise ScenarioError(f"{where}: {what} '{text}' is not a number") from None
    if not lo <= v <= hi:
        raise ScenarioError(f"{where}: {what} {v} is outside {lo}..{hi}")
    return v


def _validate(step, where):
    v, w, o = step.verb, step.words, step.opts
    if v == "cluster":
        step.n = _int(w[0], where, 1, 16, "node count")
        if "disk" in o:
            m = re.match(r"^(\d+)m$", o["disk"])
            if not m or not 8 <= int(m.group(1)) <= 4096:
                raise ScenarioError(f"{where}: disk=SIZE is 8m..4096m")
    elif v == "wait":
        if w[0] not in WAIT_CONDITIONS:
            raise ScenarioError(f"{where}: unknown wait condition '{w[0]}'")
        step.timeout = parse_duration(w[1], where)
    elif v == "sleep":
        step.seconds = parse_duration(w[0], where)
    elif v == "load":
        if w[0] not in LOADS:
            raise ScenarioError(f"{where}: unknown load '{w[0]}'")
        if w[0] in ("kv-writes", "channel-messages"):
            step.rate = _int(o.get("rate", "20"), where, 1, 10_000, "rate")
            step.threads = _int(o.get("threads", "2"), where, 1, 32, "threads")
    elif v == "crash":
        if w[0] != "actor":
            raise ScenarioError(f"{where}: crash actor <name|random> node=I")
    elif v == "corrupt":
        if w[0] != "snapshot" or "actor" not in o:
            raise ScenarioError(f"{where}: corrupt snapshot actor=<name> node=I")
    elif v == "clock-skew":
        if not re.match(r"^[+-]\d{1,7}$", o.get("s", "")):
            raise ScenarioError(f"{where}: clock-skew node=I s=+SECONDS|-SECONDS")
    elif v == "expect":
        if w[0] not in INVARIANTS:
            raise ScenarioError(f"{where}: unknown invariant '{w[0]}'")
        if w[0] == "converged":
            if len(w) != 3 or w[1] != "within":
                raise ScenarioError(f"{where}: expect converged within T")
            step.within = parse_duration(w[2], where)
        elif len(w) > 1:
            raise ScenarioError(f"{where}: '{w[0]}' takes no words")
    elif v == "partition":
        groups, cur = [], []
        for t in w:
            if t == "|":
                groups.append(cur)
                cur = []
            else:
                for x in t.split(","):
                    if x:
                        cur.append(_int(x, where, 1, 16, "node"))
        groups.append(cur)
        if len(groups) < 2 or any(not g for g in groups):
            raise ScenarioError(f"{where}: partition A,B | C,D (two or more groups)")
        step.groups = groups
    elif v == "delay":
        step.ms = _int(o.get("ms", ""), where, 0, 60_000, "ms")
    elif v == "drop":
        try:
            step.rate = float(o.get("rate", ""))
        except ValueError:
            raise ScenarioError(f"{where}: drop rate=P with P in 0..1") from None
        if not 0 <= step.rate <= 1:
            raise ScenarioError(f"{where}: drop rate=P with P in 0..1")
    elif v == "fault":
        if w[0] != "random":
            raise ScenarioError(f"{where}: fault random [node=I|random]")
    elif v == "repeat":
        step.times = _int(w[0], where, 1, MAX_REPEAT, "repeat count")
    if "node" in o and o["node"] not in ("all", "random"):
        _int(o["node"], where, 1, 16, "node")
