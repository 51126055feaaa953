#!/usr/bin/env python3
"""Replays Noise test vectors with an independent implementation, dissononce
(Debian package python3-dissononce, over python3-cryptography), and checks
every ciphertext and the handshake hash. Not part of the build; run by hand
(see tests/vectors/README.md):

    apt-get install python3-dissononce
    /usr/bin/python3 dissononce_check.py FILE...

Runs the vectors with DH 25519 and no modifiers (psk, fallback); skips the rest.
Also prints a known answer for Rekey() (a key of 32 bytes 0x01..0x20) for the
unit tests. Exits non-zero on any mismatch.
"""
import json
import sys

from dissononce.dh.private import PrivateKey
from dissononce.extras.meta.protocol.factory import NoiseProtocolFactory

factory = NoiseProtocolFactory()


def run(v):
    name = v.get("protocol_name") or v.get("name")
    parts = name.split("_")
    if (len(parts) != 5 or parts[0] != "Noise" or parts[2] != "25519" or "psk" in parts[1]
            or "fallback" in parts[1] or any(v.get(k) for k in ("init_psks", "resp_psks"))):
        return None
    try:
        proto = factory.get_noise_protocol(name)
    except Exception:  # an algorithm dissononce lacks
        return None
    dh = proto.dh
    sides = {}
    for side, initiator in (("init", True), ("resp", False)):
        hs = proto.create_handshakestate()
        s = dh.generate_keypair(PrivateKey(bytes.fromhex(v[side + "_static"]))) \
            if v.get(side + "_static") else None
        rs = dh.create_public(bytes.fromhex(v[side + "_remote_static"])) \
            if v.get(side + "_remote_static") else None
        eph = bytes.fromhex(v[side + "_ephemeral"]) if v.get(side + "_ephemeral") else None
        hs.initialize(proto.pattern, initiator, bytes.fromhex(v.get(side + "_prologue", "")),
                      s=s, rs=rs)
        if eph is not None:  # fixed ephemeral key: GENERATE_KEYPAIR returns it
            hs._dh = type("FixedDH", (), {
                "generate_keypair": staticmethod(lambda e=eph: dh.generate_keypair(PrivateKey(e))),
                "dh": staticmethod(dh.dh), "dhlen": dh.dhlen,
                "create_public": staticmethod(dh.create_public)})()
        sides[side] = hs
    init, resp = sides["init"], sides["resp"]
    one_way = len(proto.pattern.message_patterns) == 1
    split = None
    for i, m in enumerate(v["messages"]):
        payload = bytes.fromhex(m["payload"])
        from_i = i % 2 == 0 or (split is not None and one_way)
        if split is None:
            w, r = (init, resp) if from_i else (resp, init)
            buf = bytearray()
            cs_w = w.write_message(payload, buf)
            out = bytearray()
            cs_r = r.read_message(bytes(buf), out)
            if cs_w is not None:
                split = cs_w  # (c1, c2): c1 sends from the initiator
                if v.get("handshake_hash") and \
                        init.symmetricstate.get_handshake_hash().hex() != v["handshake_hash"]:
                    return "handshake hash differs"
        else:
            c = split[0] if from_i else split[1]
            buf = c.encrypt_with_ad(b"", payload)
            out = payload  # both sides share (c1, c2) here; decryption is ours to test
        if bytes(buf).hex() != m["ciphertext"]:
            return "message %d: ciphertext differs" % i
        if bytes(out) != payload:
            return "message %d: payload differs" % i
    return "ok"


def rekey_known_answer():
    proto = factory.get_noise_protocol("Noise_NN_25519_ChaChaPoly_BLAKE2b")
    c = proto.create_cipherstate()
    # dissononce's Cipher.rekey returns all 48 bytes of ENCRYPT(k, maxnonce, "",
    # zeros); REKEY(k) is the first 32 of them (Noise section 4.2).
    c.initialize_key(proto.cipher.rekey(bytes(range(1, 33)))[:32])
    c.set_nonce(0)
    return c.encrypt_with_ad(b"ad", b"after rekey").hex()


def main(paths):
    total_failed = 0
    for path in paths:
        passed = failed = skipped = 0
        with open(path) as f:
            vectors = json.load(f)["vectors"]
        for idx, v in enumerate(vectors):
            try:
                r = run(v)
            except Exception as e:  # noqa: BLE001 - report and go on
                r = "exception: %r" % (e,)
            if r is None:
                skipped += 1
            elif r == "ok":
                passed += 1
            else:
                failed += 1
                print("FAIL %s#%d %s: %s" % (path, idx, v.get("protocol_name") or v.get("name"), r))
        print("%s: %d passed, %d failed, %d skipped" % (path, passed, failed, skipped))
        total_failed += failed
    print("rekey known answer (key 01..20, n=0, ad 'ad', 'after rekey'):", rekey_known_answer())
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
