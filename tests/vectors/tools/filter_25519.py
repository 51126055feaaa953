#!/usr/bin/env python3
"""Keeps the vectors of a Noise test-vector file whose DH is 25519 (the only DH
the node implements) and writes them in the same JSON format, field order and
vector order preserved:

    python3 filter_25519.py IN OUT
"""
import json
import sys

with open(sys.argv[1]) as f:
    doc = json.load(f)
kept = [v for v in doc["vectors"]
        if (v.get("protocol_name") or v.get("name", "")).split("_")[2:3] == ["25519"]]
with open(sys.argv[2], "w") as f:
    json.dump({"vectors": kept}, f, indent=1)
    f.write("\n")
print("%d of %d vectors kept" % (len(kept), len(doc["vectors"])))
