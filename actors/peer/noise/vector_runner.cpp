#include "actors/peer/noise/vector_runner.hpp"

#include <fstream>
#include <optional>
#include <utility>
#include <vector>

#include "actors/peer/noise/handshake_state.hpp"
#include "actors/peer/noise/hex.hpp"
#include "actors/peer/noise/json_lite.hpp"

namespace nz::peer::noise {

namespace {

enum class outcome : uint8_t { pass, fail, skip };

struct verdict {
  outcome result;
  std::string reason;
};

verdict fail(std::string reason) {
  return {outcome::fail, std::move(reason)};
}

/// A hex field: nullopt when absent or null; `bad` is set when not hex.
std::optional<std::vector<uint8_t>> hex_field(const json_value& v, std::string_view key,
                                              bool& bad) {
  const json_value* f = v.find(key);
  if (f == nullptr || f->is_null()) return std::nullopt;
  if (!f->is_string()) {
    bad = true;
    return std::nullopt;
  }
  auto bytes = hex_decode(f->text);
  if (!bytes) bad = true;
  return bytes;
}

/// A present, non-empty PSK field of any spelling (init_psks, resp_psk, ...).
bool has_psk(const json_value& v) {
  for (size_t i = 0; i < v.keys.size(); ++i) {
    if (v.keys[i].find("psk") == std::string::npos) continue;
    const json_value& f = v.items[i];
    if (f.is_null()) continue;
    if ((f.is_array() || f.is_string()) && f.items.empty() && f.text.empty()) continue;
    return true;
  }
  return false;
}

/// Builds one side's configuration from the vector's fields for `prefix`
/// ("init" or "resp"); returns an error reason on malformed keys.
std::optional<std::string> make_config(const json_value& v, const std::string& name,
                                       const std::string& prefix, role r,
                                       handshake_config& cfg) {
  bool bad = false;
  cfg.protocol_name = name;
  cfg.my_role = r;
  auto prologue = hex_field(v, prefix + "_prologue", bad);
  auto s = hex_field(v, prefix + "_static", bad);
  auto e = hex_field(v, prefix + "_ephemeral", bad);
  auto rs = hex_field(v, prefix + "_remote_static", bad);
  if (bad) return prefix + ": a key or prologue is not hex";
  for (const auto* k : {&s, &e, &rs})
    if (*k && (*k)->size() != dh_len) return prefix + ": a key is not 32 bytes";
  if (prologue) cfg.prologue = std::move(*prologue);
  if (s) cfg.local_static = keypair::from_private(s->data());
  if (e) cfg.local_ephemeral = keypair::from_private(e->data());
  if (rs) {
    public_key k;
    std::copy(rs->begin(), rs->end(), k.begin());
    cfg.remote_static = k;
  }
  // Randomness must not be needed: a vector fixes every ephemeral key. Should a
  // vector omit one, a deterministic filler makes the mismatch reproducible.
  cfg.rng = [](uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i);
  };
  return std::nullopt;
}

verdict run_vector(const json_value& v) {
  if (!v.is_object()) return fail("not an object");
  const json_value* name_field = v.find("protocol_name");
  if (name_field == nullptr) name_field = v.find("name");
  if (name_field == nullptr || !name_field->is_string())
    return fail("no protocol_name or name");
  const std::string& name = name_field->text;
  if (has_psk(v)) return {outcome::skip, "psk"};
  if (v.find("fallback") != nullptr || v.find("fallback_pattern") != nullptr)
    return {outcome::skip, "fallback"};
  if (const json_value* f = v.find("fail"); f != nullptr && f->boolean)
    return {outcome::skip, "expected failure"};
  auto proto = parse_protocol_name(name);
  if (!proto) return {outcome::skip, proto.error().message};

  handshake_config ic;
  handshake_config rc;
  if (auto e = make_config(v, name, "init", role::initiator, ic)) return fail(*e);
  if (auto e = make_config(v, name, "resp", role::responder, rc)) return fail(*e);
  auto init = handshake_state::create(std::move(ic));
  if (!init) return fail("initiator: " + init.error().message);
  auto resp = handshake_state::create(std::move(rc));
  if (!resp) return fail("responder: " + resp.error().message);

  bool bad = false;
  auto expected_hash = hex_field(v, "handshake_hash", bad);
  if (bad) return fail("handshake_hash is not hex");
  const json_value* messages = v.find("messages");
  if (messages == nullptr || !messages->is_array()) return fail("no messages array");

  std::optional<transport_ciphers> ti;
  std::optional<transport_ciphers> tr;
  const bool one_way = proto->pattern->one_way;
  for (size_t i = 0; i < messages->items.size(); ++i) {
    const json_value& m = messages->items[i];
    auto payload = hex_field(m, "payload", bad);
    auto ciphertext = hex_field(m, "ciphertext", bad);
    if (bad || !payload || !ciphertext)
      return fail("message " + std::to_string(i)
                  + ": payload/ciphertext missing or not hex");
    const bool from_initiator = i % 2 == 0 || (ti && one_way);
    std::vector<uint8_t> written;
    std::vector<uint8_t> read;
    if (!ti) {
      auto& sender = from_initiator ? *init : *resp;
      auto& receiver = from_initiator ? *resp : *init;
      auto w = sender.write_message(*payload);
      if (!w)
        return fail("message " + std::to_string(i) + ": write: " + w.error().message);
      written = std::move(*w);
      auto r = receiver.read_message(written);
      if (!r)
        return fail("message " + std::to_string(i) + ": read: " + r.error().message);
      read = std::move(*r);
    } else {
      auto& sender = from_initiator ? ti->send : tr->send;
      auto& receiver = from_initiator ? tr->recv : ti->recv;
      auto w = sender.encrypt({}, *payload);
      if (!w)
        return fail("message " + std::to_string(i) + ": encrypt: " + w.error().message);
      written = std::move(*w);
      auto r = receiver.decrypt({}, written);
      if (!r)
        return fail("message " + std::to_string(i) + ": decrypt: " + r.error().message);
      read = std::move(*r);
    }
    if (written != *ciphertext)
      return fail("message " + std::to_string(i) + ": ciphertext " + hex_encode(written)
                  + " expected " + hex_encode(*ciphertext));
    if (read != *payload)
      return fail("message " + std::to_string(i) + ": payload differs");
    if (!ti && init->is_finished()) {
      if (!resp->is_finished()) return fail("only the initiator finished");
      auto a = init->split();
      auto b = resp->split();
      if (!a || !b) return fail("split failed");
      if (a->handshake_hash != b->handshake_hash)
        return fail("the two sides' handshake hashes differ");
      if (expected_hash && a->handshake_hash != *expected_hash)
        return fail("handshake hash " + hex_encode(a->handshake_hash) + " expected "
                    + hex_encode(*expected_hash));
      ti.emplace(std::move(*a));
      tr.emplace(std::move(*b));
    }
  }
  if (!ti) return fail("the messages end before the handshake does");
  return {outcome::pass, {}};
}

}  // namespace

vector_counts run_noise_vector_text(std::string_view json_text, std::string_view label,
                                    std::ostream& out) {
  vector_counts counts;
  auto doc = parse_json(json_text);
  if (!doc) {
    out << "FAIL " << label << ": JSON error at byte " << doc.error().offset << ": "
        << doc.error().message << '\n';
    ++counts.failed;
    return counts;
  }
  const json_value* vectors = doc->find("vectors");
  if (vectors == nullptr || !vectors->is_array()) {
    out << "FAIL " << label << ": no top-level \"vectors\" array\n";
    ++counts.failed;
    return counts;
  }
  for (size_t i = 0; i < vectors->items.size(); ++i) {
    const json_value& v = vectors->items[i];
    verdict r = run_vector(v);
    switch (r.result) {
      case outcome::pass:
        ++counts.passed;
        break;
      case outcome::skip:
        ++counts.skipped;
        break;
      case outcome::fail: {
        const json_value* n = v.find("protocol_name");
        if (n == nullptr) n = v.find("name");
        out << "FAIL " << label << '#' << i << ' '
            << (n != nullptr && n->is_string() ? n->text : std::string{"?"}) << ": "
            << r.reason << '\n';
        ++counts.failed;
        break;
      }
    }
  }
  return counts;
}

int run_noise_vectors(const std::string& path, std::ostream& out) {
  vector_counts counts;
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    out << "FAIL " << path << ": cannot open\n";
    ++counts.failed;
  } else {
    const size_t limit = json_limits{}.max_input;
    std::string text;
    char buf[65536];
    bool too_big = false;
    while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
      text.append(buf, static_cast<size_t>(in.gcount()));
      if (text.size() > limit) {
        too_big = true;
        break;
      }
    }
    if (too_big) {
      out << "FAIL " << path << ": over " << limit << " bytes\n";
      ++counts.failed;
    } else if (in.bad()) {
      out << "FAIL " << path << ": read error\n";
      ++counts.failed;
    } else {
      counts = run_noise_vector_text(text, path, out);
    }
  }
  out << counts.passed << " passed, " << counts.failed << " failed, " << counts.skipped
      << " skipped\n";
  return counts.failed == 0 ? 0 : 1;
}

}  // namespace nz::peer::noise
