#!/usr/bin/python3
"""Cross-checks the C++ identity core against reference implementations.

Usage: /usr/bin/python3 crosscheck.py <path to nz_identity_vectors> [seed]

For PER_LENGTH random entropies of each BIP-39 length (16, 20, 24, 28, 32 bytes):
  * C++ entropy -> mnemonic equals python3-mnemonic's Mnemonic("english").to_mnemonic,
    and python's check() accepts the C++ output;
  * C++ mnemonic -> entropy equals python's to_entropy;
  * corrupted phrases (last word swapped, another word swapped, two words exchanged,
    a non-word, a word dropped or added) are accepted by C++ exactly when python's
    check() accepts them, with the expected error code otherwise;
  * upper-case / extra-whitespace variants decode to the same entropy.
For DERIVE_PER_LENGTH of them, C++ `derive` equals an independent Python
implementation of docs/identity.md (hashlib.blake2b, hmac, PyNaCl, and crypto_kdf
rebuilt from hashlib.blake2b's key/salt/person parameters).

The tool runs once, fed through pipes. The RNG seed is printed; pass it (or set
NZ_CROSSCHECK_SEED) to replay a run. Must run under /usr/bin/python3: Debian's
python3-mnemonic and python3-nacl are not visible to other interpreters.
"""
import base64
import hashlib
import hmac
import os
import random
import subprocess
import sys

from mnemonic import Mnemonic
from nacl.public import PrivateKey
from nacl.signing import SigningKey

LENGTHS = (16, 20, 24, 28, 32)
PER_LENGTH = 1000
DERIVE_PER_LENGTH = 200
DEFAULT_SEED = 20240601
SUBKEY_CONTEXTS = (b"nzstore1", b"nztrust1", b"nzbackup", b"nztoken1")


# -- independent implementation of the NewZone rules (docs/identity.md) ----------
def hkdf_blake2b512(ikm, salt, info, length):
    if not salt:
        salt = bytes(64)
    prk = hmac.new(salt, ikm, hashlib.blake2b).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.blake2b).digest()
        okm += block
        counter += 1
    return okm[:length]


def crypto_kdf(master, context, subkey_id=1, length=32):
    # libsodium crypto_kdf_derive_from_key = keyed BLAKE2b, salt = id (LE64) || 0^8,
    # personal = context || 0^8, empty message.
    return hashlib.blake2b(b"", digest_size=length, key=master,
                           salt=subkey_id.to_bytes(8, "little") + bytes(8),
                           person=context + bytes(8)).digest()


def derive_reference(entropy):
    seed32 = hashlib.blake2b(entropy, digest_size=64).digest()[:32]
    ed_pk = bytes(SigningKey(hkdf_blake2b512(seed32, b"", b"identity", 32)).verify_key)
    x_pk = bytes(PrivateKey(hkdf_blake2b512(seed32, b"", b"ecdh", 32)).public_key)
    fields = [hashlib.blake2b(ed_pk, digest_size=32).hexdigest(), ed_pk.hex(), x_pk.hex(),
              base64.b64encode(ed_pk).decode()]
    fields += [crypto_kdf(seed32, c).hex() for c in SUBKEY_CONTEXTS]
    return " ".join(fields)


# -- the check ---------------------------------------------------------------------
class Checker:
    def __init__(self):
        self.lines = []  # commands for the tool
        self.checks = []  # (description, function(answer) -> error or None)

    def ask(self, line, what, check):
        self.lines.append(line)
        self.checks.append((what, check))


def expect_equal(expected):
    return lambda got: None if got == expected else f"expected {expected!r}"


def expect_error(code, position=None):
    """An `ERR <code> ...` answer; with `position`, the message names that word."""
    def check(got):
        if not got.startswith("ERR ") or got.split(" ")[1] != code:
            return f"expected ERR {code}"
        if position is not None and f"word {position} " not in got:
            return f"expected the message to name word {position}"
        return None
    return check


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tool = sys.argv[1]
    seed = int(sys.argv[2] if len(sys.argv) > 2
               else os.environ.get("NZ_CROSSCHECK_SEED", DEFAULT_SEED))
    print(f"crosscheck seed: {seed} (replay: crosscheck.py <tool> {seed})")
    rng = random.Random(seed)
    mn = Mnemonic("english")
    wordlist = mn.wordlist
    assert len(wordlist) == 2048
    wordset = set(wordlist)
    c = Checker()
    stats = {"entropies": 0, "derive": 0, "corrupt_accepted": 0, "corrupt_rejected": 0}

    def corrupted(name, words, expected_code, position=None):
        phrase = " ".join(words)
        if mn.check(phrase):
            stats["corrupt_accepted"] += 1
            c.ask("m2e " + phrase, f"{name} accepted by python: {phrase}",
                  expect_equal(bytes(mn.to_entropy(phrase)).hex()))
        else:
            stats["corrupt_rejected"] += 1
            c.ask("m2e " + phrase, f"{name} rejected by python: {phrase}",
                  expect_error(expected_code, position))

    def other_word(w):
        while True:
            x = rng.choice(wordlist)
            if x != w:
                return x

    for length in LENGTHS:
        fixed = [bytes([b]) * length for b in (0x00, 0xff, 0x7f, 0x80)]
        entropies = fixed + [rng.randbytes(length) for _ in range(PER_LENGTH - len(fixed))]
        for i, entropy in enumerate(entropies):
            stats["entropies"] += 1
            phrase = mn.to_mnemonic(entropy)
            words = phrase.split(" ")
            n = len(words)

            def check_e2m(got, phrase=phrase, entropy=entropy):
                if got != phrase:
                    return f"expected {phrase!r}"
                if not mn.check(got):
                    return "python check() rejects the C++ mnemonic"
                if bytes(mn.to_entropy(got)) != entropy:
                    return "python to_entropy differs"
                return None
            c.ask("e2m " + entropy.hex(), f"e2m {entropy.hex()}", check_e2m)
            c.ask("m2e " + phrase, f"m2e {phrase}", expect_equal(entropy.hex()))

            # Sloppy but valid input: random case, random whitespace.
            sloppy = "".join(rng.choice(" \t") * rng.randint(1, 3) + "".join(
                ch.upper() if rng.random() < 0.3 else ch for ch in w) for w in words)
            c.ask("m2e " + sloppy, f"m2e sloppy {sloppy!r}", expect_equal(entropy.hex()))

            # Corruptions: python check() and C++ must agree.
            w = list(words)
            w[-1] = other_word(w[-1])
            corrupted("last word swapped", w, "bad_checksum")
            w = list(words)
            k = rng.randrange(n - 1)
            w[k] = other_word(w[k])
            corrupted(f"word {k + 1} swapped", w, "bad_checksum")
            w = list(words)
            k = rng.randrange(n - 1)
            if w[k] != w[k + 1]:
                w[k], w[k + 1] = w[k + 1], w[k]
                corrupted(f"words {k + 1},{k + 2} exchanged", w, "bad_checksum")
            w = list(words)
            k = rng.randrange(n)
            bad = w[k][:-1] if rng.random() < 0.5 else w[k] + rng.choice("qxz")
            if bad not in wordset and len(bad) > 0:
                w[k] = bad
                corrupted(f"word {k + 1} misspelt", w, "unknown_word", position=k + 1)
            w = list(words)
            del w[rng.randrange(n)]
            corrupted("word dropped", w, "wrong_word_count")
            w = list(words)
            w.insert(rng.randrange(n + 1), rng.choice(wordlist))
            corrupted("word added", w, "wrong_word_count")

            if i < DERIVE_PER_LENGTH:
                stats["derive"] += 1
                c.ask("derive " + phrase, f"derive {phrase}",
                      expect_equal(derive_reference(entropy)))

    proc = subprocess.run([tool], input="\n".join(c.lines) + "\n", capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"FAIL: {tool} exited with {proc.returncode}: {proc.stderr}")
    answers = proc.stdout.split("\n")
    if answers and answers[-1] == "":
        answers.pop()
    if len(answers) != len(c.lines):
        sys.exit(f"FAIL: {len(c.lines)} commands but {len(answers)} answers")
    failures = []
    for (what, check), got in zip(c.checks, answers):
        problem = check(got)
        if problem:
            failures.append(f"{what}\n    got {got!r}\n    {problem}")
    print(f"{len(c.lines)} commands: {stats['entropies']} entropies "
          f"({PER_LENGTH} of each length {LENGTHS}), {stats['derive']} derivations, "
          f"corrupted phrases: {stats['corrupt_rejected']} rejected and "
          f"{stats['corrupt_accepted']} accepted by both")
    if failures:
        print(f"FAIL: {len(failures)} mismatches; first ones:")
        for f in failures[:20]:
            print("  " + f)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
