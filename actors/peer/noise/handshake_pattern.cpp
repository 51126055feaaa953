#include "actors/peer/noise/handshake_pattern.hpp"

#include "runtime/crypto/sodium_runtime.hpp"

namespace nz::peer::noise {

namespace {

/// One row of the table, in the spec's notation: tokens separated by ", ",
/// messages separated by " | ".
struct pattern_text {
  const char* name;
  const char* pre_initiator;
  const char* pre_responder;
  const char* messages;
};

// clang-format off
constexpr pattern_text pattern_table[] = {
    // one-way (7.4)
    {"N",    "",  "s", "e, es"},
    {"K",    "s", "s", "e, es, ss"},
    {"X",    "",  "s", "e, es, s, ss"},
    // fundamental interactive (7.5)
    {"NN",   "",  "",  "e | e, ee"},
    {"NK",   "",  "s", "e, es | e, ee"},
    {"NX",   "",  "",  "e | e, ee, s, es"},
    {"KN",   "s", "",  "e | e, ee, se"},
    {"KK",   "s", "s", "e, es, ss | e, ee, se"},
    {"KX",   "s", "",  "e | e, ee, se, s, es"},
    {"XN",   "",  "",  "e | e, ee | s, se"},
    {"XK",   "",  "s", "e, es | e, ee | s, se"},
    {"XX",   "",  "",  "e | e, ee, s, es | s, se"},
    {"IN",   "",  "",  "e, s | e, ee, se"},
    {"IK",   "",  "s", "e, es, s, ss | e, ee, se"},
    {"IX",   "",  "",  "e, s | e, ee, se, s, es"},
    // deferred (18)
    {"NK1",  "",  "s", "e | e, ee, es"},
    {"NX1",  "",  "",  "e | e, ee, s | es"},
    {"X1N",  "",  "",  "e | e, ee | s | se"},
    {"X1K",  "",  "s", "e, es | e, ee | s | se"},
    {"XK1",  "",  "s", "e | e, ee, es | s, se"},
    {"X1K1", "",  "s", "e | e, ee, es | s | se"},
    {"X1X",  "",  "",  "e | e, ee, s, es | s | se"},
    {"XX1",  "",  "",  "e | e, ee, s | es, s, se"},
    {"X1X1", "",  "",  "e | e, ee, s | es, s | se"},
    {"K1N",  "s", "",  "e | e, ee | se"},
    {"K1K",  "s", "s", "e, es | e, ee | se"},
    {"KK1",  "s", "s", "e | e, ee, se, es"},
    {"K1K1", "s", "s", "e | e, ee, es | se"},
    {"K1X",  "s", "",  "e | e, ee, s, es | se"},
    {"KX1",  "s", "",  "e | e, ee, se, s | es"},
    {"K1X1", "s", "",  "e | e, ee, s | se, es"},
    {"I1N",  "",  "",  "e, s | e, ee | se"},
    {"I1K",  "",  "s", "e, es, s | e, ee | se"},
    {"IK1",  "",  "s", "e, s | e, ee, se, es"},
    {"I1K1", "",  "s", "e, s | e, ee, es | se"},
    {"I1X",  "",  "",  "e, s | e, ee, s, es | se"},
    {"IX1",  "",  "",  "e, s | e, ee, se, s | es"},
    {"I1X1", "",  "",  "e, s | e, ee, s | se, es"},
};
// clang-format on

token parse_token(std::string_view x) {
  if (x == "e") return token::e;
  if (x == "s") return token::s;
  if (x == "ee") return token::ee;
  if (x == "es") return token::es;
  if (x == "se") return token::se;
  if (x == "ss") return token::ss;
  crypto::misuse("handshake_pattern: bad token in the pattern table");
}

/// Splits on `sep`, trimming spaces; an empty input gives no parts.
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto pos = text.find(sep);
    auto part = text.substr(0, pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    out.push_back(part);
    if (pos == std::string_view::npos) break;
    text.remove_prefix(pos + 1);
  }
  return out;
}

std::vector<token> parse_tokens(std::string_view text) {
  std::vector<token> out;
  for (auto t : split(text, ',')) out.push_back(parse_token(t));
  return out;
}

std::vector<handshake_pattern> build_table() {
  std::vector<handshake_pattern> out;
  for (const auto& row : pattern_table) {
    handshake_pattern p;
    p.name = row.name;
    p.pre_initiator = parse_tokens(row.pre_initiator);
    p.pre_responder = parse_tokens(row.pre_responder);
    for (auto msg : split(row.messages, '|')) p.messages.push_back(parse_tokens(msg));
    p.one_way = p.name.size() == 1;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

const char* to_string(token x) {
  switch (x) {
    case token::e:
      return "e";
    case token::s:
      return "s";
    case token::ee:
      return "ee";
    case token::es:
      return "es";
    case token::se:
      return "se";
    case token::ss:
      return "ss";
  }
  return "?";
}

const std::vector<handshake_pattern>& all_patterns() {
  static const std::vector<handshake_pattern> table = build_table();
  return table;
}

const handshake_pattern* find_pattern(std::string_view name) {
  for (const auto& p : all_patterns())
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace nz::peer::noise
