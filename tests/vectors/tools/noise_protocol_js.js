// Cross-checks NewZoneCore's Noise core against an independent implementation,
// the npm package noise-protocol 3.0.2 (Noise_*_25519_ChaChaPoly_BLAKE2b over
// libsodium). Not part of the build; run by hand (see tests/vectors/README.md):
//
//   npm install noise-protocol@3.0.2        (in a scratch directory)
//   NODE_PATH=<scratch>/node_modules node noise_protocol_js.js gen OUT.json
//   NODE_PATH=<scratch>/node_modules node noise_protocol_js.js verify FILE
//
// gen writes deterministic vectors (keys, prologues and payloads from SHA-256
// of a counter) for every pattern noise-protocol implements; verify replays a
// vector file written by anyone (e.g. nz_noise_vector_gen) and exits non-zero
// on any mismatch.
'use strict'
const crypto = require('crypto')
const sodium = require('sodium-universal')
const baseDh = require('noise-protocol/dh')()
const hash = require('noise-protocol/hash')({ dh: baseDh })
const cipher = require('noise-protocol/cipher')()
const cipherState = require('noise-protocol/cipher-state')({ cipher })
const symmetricState = require('noise-protocol/symmetric-state')({ hash, cipherState })

// Ephemeral keys come from a queue so that vectors are reproducible.
let ephemeralQueue = []
const dh = Object.assign({}, baseDh, {
  generateKeypair (pk, sk) {
    const k = ephemeralQueue.shift()
    if (!k) throw new Error('ephemeral key queue empty')
    sk.set(k)
    sodium.crypto_scalarmult_base(pk, sk)
  }
})
const noise = require('noise-protocol/handshake-state')({ dh, hash, cipher, cipherState, symmetricState })

// Pre-messages: which side's static key is known in advance.
const PATTERNS = {
  N: { preI: false, preR: true, oneWay: true },
  K: { preI: true, preR: true, oneWay: true },
  X: { preI: false, preR: true, oneWay: true },
  NN: { preI: false, preR: false },
  NK: { preI: false, preR: true },
  NX: { preI: false, preR: false },
  KN: { preI: true, preR: false },
  KK: { preI: true, preR: true },
  KX: { preI: true, preR: false },
  XN: { preI: false, preR: false },
  XK: { preI: false, preR: true },
  XX: { preI: false, preR: false },
  IN: { preI: false, preR: false },
  IK: { preI: false, preR: true },
  IX: { preI: false, preR: false }
}

let counter = 0
function det (n) {
  const out = Buffer.alloc(n)
  let off = 0
  while (off < n) {
    const h = crypto.createHash('sha256').update('nz-noise-vectors/' + counter++).digest()
    off += h.copy(out, off)
  }
  return out
}

function keypairFrom (sk) {
  const pk = Buffer.alloc(32)
  sodium.crypto_scalarmult_base(pk, sk)
  return { publicKey: pk, secretKey: Buffer.from(sk) }
}

// Runs one handshake plus transport messages; returns the messages and hash.
function run (pattern, v) {
  const p = PATTERNS[pattern]
  const hex = (x) => Buffer.from(x, 'hex')
  const iS = v.init_static ? keypairFrom(hex(v.init_static)) : null
  // noise-protocol's initialize() asks the responder of XN/IN for a static key
  // pair it never uses (it checks the initiator's messages for "s" whatever
  // the role); an arbitrary one satisfies it.
  const rS = keypairFrom(v.resp_static ? hex(v.resp_static) : Buffer.alloc(32, 7))
  const init = noise.initialize(pattern, true, hex(v.init_prologue), iS, null,
    v.init_remote_static ? hex(v.init_remote_static) : null)
  const resp = noise.initialize(pattern, false, hex(v.resp_prologue), rS, null,
    v.resp_remote_static ? hex(v.resp_remote_static) : null)
  const msgs = []
  let splitI = null
  let splitR = null
  let i = 0
  for (const m of v.messages) {
    const payload = hex(m.payload)
    const buf = Buffer.alloc(65535)
    const out = Buffer.alloc(65535)
    if (!splitI) {
      const fromI = i % 2 === 0
      ephemeralQueue = [hex(fromI ? v.init_ephemeral : v.resp_ephemeral)]
      const s1 = noise.writeMessage(fromI ? init : resp, payload, buf)
      const ct = Buffer.from(buf.subarray(0, noise.writeMessage.bytes))
      const s2 = noise.readMessage(fromI ? resp : init, ct, out)
      const pt = out.subarray(0, noise.readMessage.bytes)
      if (!pt.equals(payload)) throw new Error(`message ${i}: payload differs`)
      msgs.push({ payload: m.payload, ciphertext: ct.toString('hex') })
      if (s1) {
        const h = Buffer.alloc(64)
        symmetricState.getHandshakeHash(init.symmetricState, h)
        v.computed_hash = h.toString('hex')
        // noise-protocol gives the writer of the last message tx = c1 whoever
        // that is; the spec gives c1 to the initiator for sending. Map to the
        // spec when the responder wrote last (NN, IK, ...).
        const swap = (x) => ({ tx: x.rx, rx: x.tx })
        splitI = fromI ? s1 : swap(s2)
        splitR = fromI ? s2 : swap(s1)
      }
    } else {
      const fromI = p.oneWay || i % 2 === 0
      const tx = fromI ? splitI.tx : splitR.tx
      const rx = fromI ? splitR.rx : splitI.rx
      cipherState.encryptWithAd(tx, buf, null, payload)
      const ct = Buffer.from(buf.subarray(0, cipherState.encryptWithAd.bytesWritten))
      cipherState.decryptWithAd(rx, out, null, ct)
      const pt = out.subarray(0, cipherState.decryptWithAd.bytesWritten)
      if (!pt.equals(payload)) throw new Error(`message ${i}: transport payload differs`)
      msgs.push({ payload: m.payload, ciphertext: ct.toString('hex') })
    }
    i++
  }
  return msgs
}

function gen (outPath) {
  const vectors = []
  for (const pattern of Object.keys(PATTERNS)) {
    const p = PATTERNS[pattern]
    const iS = det(32)
    const rS = det(32)
    const prologue = det(7 + (counter % 23)).toString('hex')
    const v = {
      protocol_name: `Noise_${pattern}_25519_ChaChaPoly_BLAKE2b`,
      init_prologue: prologue,
      init_static: iS.toString('hex'),
      init_ephemeral: det(32).toString('hex'),
      resp_prologue: prologue,
      resp_static: rS.toString('hex'),
      resp_ephemeral: det(32).toString('hex'),
      messages: []
    }
    if (p.preR) v.init_remote_static = keypairFrom(rS).publicKey.toString('hex')
    if (p.preI) v.resp_remote_static = keypairFrom(iS).publicKey.toString('hex')
    for (let k = 0; k < 6; k++) {
      v.messages.push({ payload: det(k * 11 % 40).toString('hex'), ciphertext: '' })
    }
    v.messages = run(pattern, v)
    v.handshake_hash = v.computed_hash
    delete v.computed_hash
    vectors.push(v)
  }
  require('fs').writeFileSync(outPath, JSON.stringify({ vectors }, null, 2) + '\n')
  console.log(`${vectors.length} vectors written to ${outPath}`)
}

function verify (path) {
  const { vectors } = JSON.parse(require('fs').readFileSync(path, 'utf8'))
  let passed = 0
  let failed = 0
  let skipped = 0
  vectors.forEach((v, idx) => {
    const name = v.protocol_name || v.name
    const m = /^Noise_([A-Z]+)_25519_ChaChaPoly_BLAKE2b$/.exec(name)
    if (!m || !PATTERNS[m[1]]) { skipped++; return }
    try {
      const msgs = run(m[1], v)
      msgs.forEach((x, i) => {
        if (x.ciphertext !== v.messages[i].ciphertext) throw new Error(`message ${i}: ciphertext differs`)
      })
      if (v.handshake_hash && v.handshake_hash !== v.computed_hash) throw new Error('handshake hash differs')
      passed++
    } catch (e) {
      console.log(`FAIL ${path}#${idx} ${name}: ${e.message}`)
      failed++
    }
  })
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
  process.exit(failed === 0 && passed > 0 ? 0 : 1)
}

const [mode, file] = process.argv.slice(2)
if (mode === 'gen') gen(file)
else if (mode === 'verify') verify(file)
else { console.error('usage: noise_protocol_js.js gen OUT | verify FILE'); process.exit(2) }
