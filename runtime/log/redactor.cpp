#include "runtime/log/redactor.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

#include <string.h>  // explicit_bzero (glibc)

namespace nz::log {

void wipe(std::string& s) noexcept {
  if (!s.empty()) {
    ::explicit_bzero(s.data(), s.size());
  }
  s.clear();
}

namespace {

std::string to_hex(std::string_view in, const char* digits) {
  std::string out;
  out.reserve(in.size() * 2);
  for (unsigned char c : in) {
    out += digits[c >> 4];
    out += digits[c & 0x0f];
  }
  return out;
}

/// Base64 of the whole 3-byte groups of `in` (no padding): these characters
/// depend only on the secret, wherever it is aligned in a larger encoded blob.
std::string to_base64_groups(std::string_view in, const char* alphabet) {
  std::string out;
  size_t n = in.size() / 3 * 3;
  for (size_t i = 0; i < n; i += 3) {
    auto b0 = static_cast<unsigned char>(in[i]);
    auto b1 = static_cast<unsigned char>(in[i + 1]);
    auto b2 = static_cast<unsigned char>(in[i + 2]);
    out += alphabet[b0 >> 2];
    out += alphabet[((b0 & 0x03) << 4) | (b1 >> 4)];
    out += alphabet[((b1 & 0x0f) << 2) | (b2 >> 6)];
    out += alphabet[b2 & 0x3f];
  }
  return out;
}

constexpr const char* b64_std =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr const char* b64_url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

redactor::~redactor() {
  clear();
}

bool redactor::add_secret(std::string_view secret) {
  if (secret.size() < min_secret_size) {
    return false;
  }
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) {
    return false;
  }
  secrets_.emplace_back(secret);
  auto add = [this](std::string p) {
    if (p.size() >= min_secret_size
        && std::find(patterns_.begin(), patterns_.end(), p) == patterns_.end()) {
      patterns_.push_back(std::move(p));
    } else {
      wipe(p);
    }
  };
  add(std::string{secret});
  add(to_hex(secret, "0123456789abcdef"));
  add(to_hex(secret, "0123456789ABCDEF"));
  add(to_base64_groups(secret, b64_std));
  add(to_base64_groups(secret, b64_url));
  return true;
}

void redactor::clear() {
  for (auto& p : patterns_) {
    wipe(p);
  }
  for (auto& s : secrets_) {
    wipe(s);
  }
  patterns_.clear();
  secrets_.clear();
}

std::string redactor::mask_secrets(std::string_view text) const {
  // Mark every byte covered by any pattern, then emit one marker per covered run,
  // so overlapping or adjacent hits never leave a fragment of a secret behind.
  std::vector<bool> covered;
  for (const auto& p : patterns_) {
    for (auto pos = text.find(p); pos != std::string_view::npos;
         pos = text.find(p, pos + 1)) {
      if (covered.empty()) {
        covered.assign(text.size(), false);
      }
      std::fill(covered.begin() + static_cast<std::ptrdiff_t>(pos),
                covered.begin() + static_cast<std::ptrdiff_t>(pos + p.size()), true);
    }
  }
  if (covered.empty()) {
    return std::string{text};
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (!covered[i]) {
      out += text[i++];
      continue;
    }
    out += redaction_marker;
    while (i < text.size() && covered[i]) {
      ++i;
    }
  }
  return out;
}

std::string redactor::apply(std::string_view text) const {
  if (patterns_.empty()) {
    return scrub_keys(text);
  }
  return scrub_keys(mask_secrets(text));
}

// -- key=value scrubbing ------------------------------------------------------

bool redactor::sensitive_key(std::string_view key) {
  std::string k;
  k.reserve(key.size());
  for (char c : key) {
    k += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static constexpr std::string_view words[] = {"token",       "passphrase", "password",
                                               "secret",      "mnemonic",   "seed",
                                               "private_key", "privkey"};
  return std::any_of(std::begin(words), std::end(words),
                     [&](std::string_view w) { return k.find(w) != std::string::npos; });
}

namespace {

bool key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

bool value_end(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ';' || c == '&'
         || c == ')' || c == ']' || c == '}';
}

}  // namespace

std::string redactor::scrub_keys(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (!key_char(text[i])) {
      out += text[i++];
      continue;
    }
    // a key: a maximal run of key characters
    size_t key_begin = i;
    while (i < n && key_char(text[i])) {
      ++i;
    }
    auto key = text.substr(key_begin, i - key_begin);
    out += key;
    if (!sensitive_key(key)) {
      continue;
    }
    // optional closing quote of a JSON key, spaces, then '=' or ':'
    size_t j = i;
    if (j < n && (text[j] == '"' || text[j] == '\'')) {
      ++j;
    }
    while (j < n && text[j] == ' ') {
      ++j;
    }
    if (j >= n || (text[j] != '=' && text[j] != ':')) {
      continue;
    }
    ++j;
    while (j < n && text[j] == ' ') {
      ++j;
    }
    out.append(text.substr(i, j - i));  // quote, separator and spaces verbatim
    i = j;
    if (i < n && (text[i] == '"' || text[i] == '\'')) {
      char quote = text[i];
      size_t k = i + 1;
      while (k < n && text[k] != quote) {
        k += text[k] == '\\' ? 2 : 1;
      }
      out += quote;
      out += redaction_marker;
      if (k < n) {
        out += quote;
      }
      i = std::min(k + 1, n);
    } else {
      size_t k = i;
      while (k < n && !value_end(text[k])) {
        ++k;
      }
      if (k > i) {
        out += redaction_marker;
      }
      i = k;
    }
  }
  return out;
}

}  // namespace nz::log
