#include "actors/identity/bip39.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "actors/identity/bip39_wordlist.hpp"

namespace nz::identity {

namespace {

using detail::bip39_english;
using detail::bip39_word_count;

constexpr size_t max_words = 24;
constexpr size_t max_word_letters = 8;  // longest English BIP-39 word

/// Wipes a buffer when the scope ends, on every return path.
class wipe_guard {
 public:
  wipe_guard(void* p, size_t n) : p_(p), n_(n) {}
  ~wipe_guard() { sodium_memzero(p_, n_); }
  wipe_guard(const wipe_guard&) = delete;
  wipe_guard& operator=(const wipe_guard&) = delete;

 private:
  void* p_;
  size_t n_;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool valid_word_count(size_t n) {
  return n == 12 || n == 15 || n == 18 || n == 21 || n == 24;
}

/// Bit `i` (0 = most significant bit of buf[0]).
unsigned get_bit(const uint8_t* buf, size_t i) {
  return (buf[i / 8] >> (7 - i % 8)) & 1u;
}

void set_bit(uint8_t* buf, size_t i) {
  buf[i / 8] = static_cast<uint8_t>(buf[i / 8] | (0x80u >> (i % 8)));
}

std::string hex_byte(unsigned char c) {
  char tmp[8];
  std::snprintf(tmp, sizeof(tmp), "0x%02X", c);
  return tmp;
}

/// Valid words sharing the longest prefix (at least 2 letters) with `word`, at
/// most 4, as "'a', 'b'"; empty when nothing shares 2 letters.
std::string suggestions(std::string_view word) {
  size_t best = 0;
  for (size_t i = 0; i < bip39_word_count; ++i) {
    std::string_view w = bip39_english[i];
    size_t k = 0;
    while (k < w.size() && k < word.size() && w[k] == word[k]) {
      ++k;
    }
    best = std::max(best, k);
  }
  if (best < 2) {
    return {};
  }
  std::string result;
  size_t n = 0;
  for (size_t i = 0; i < bip39_word_count && n < 4; ++i) {
    std::string_view w = bip39_english[i];
    if (w.size() >= best && word.substr(0, best) == w.substr(0, best)) {
      if (n++ > 0) {
        result += ", ";
      }
      result += '\'';
      result += w;
      result += '\'';
    }
  }
  return result;
}

struct token {
  size_t begin;
  size_t len;
};

}  // namespace

int bip39_word_index(std::string_view lowercase_word) {
  const char* const* first = bip39_english;
  const char* const* last = bip39_english + bip39_word_count;
  auto it = std::lower_bound(first, last, lowercase_word,
                             [](const char* w, std::string_view x) { return w < x; });
  if (it != last && lowercase_word == *it) {
    return static_cast<int>(it - first);
  }
  return -1;
}

const char* bip39_word(size_t index) {
  if (index >= bip39_word_count) {
    std::abort();  // programmer misuse
  }
  return bip39_english[index];
}

identity_status entropy_to_mnemonic(std::string& out, const uint8_t* entropy,
                                    size_t len) {
  out.clear();
  if (len != 16 && len != 20 && len != 24 && len != 28 && len != 32) {
    return make_identity_error(
        identity_errc::invalid_entropy_length,
        "entropy must be 16, 20, 24, 28 or 32 bytes, got " + std::to_string(len));
  }
  // entropy || SHA-256(entropy)[0]: the checksum (len*8/32 <= 8 bits) fits in one
  // byte.
  uint8_t buf[bip39_max_entropy_bytes + 1] = {0};
  uint8_t hash[crypto_hash_sha256_BYTES];
  wipe_guard wipe_buf(buf, sizeof(buf));
  wipe_guard wipe_hash(hash, sizeof(hash));
  std::memcpy(buf, entropy, len);
  crypto_hash_sha256(hash, entropy, len);
  buf[len] = hash[0];
  const size_t words = len * 3 / 4;
  // Reserve once so that appending never reallocates and strands copies of the
  // phrase in freed memory.
  out.reserve(words * (max_word_letters + 1));
  for (size_t w = 0; w < words; ++w) {
    unsigned index = 0;
    for (size_t b = 0; b < 11; ++b) {
      index = (index << 1) | get_bit(buf, w * 11 + b);
    }
    if (w > 0) {
      out += ' ';
    }
    out += bip39_english[index];
  }
  return {};
}

identity_status mnemonic_to_entropy(uint8_t* out, size_t& out_len,
                                    std::string_view phrase) {
  out_len = 0;
  if (phrase.size() > bip39_max_phrase_bytes) {
    return make_identity_error(identity_errc::phrase_too_long,
                               "mnemonic is " + std::to_string(phrase.size())
                                   + " bytes; the limit is "
                                   + std::to_string(bip39_max_phrase_bytes));
  }

  // -- split on ASCII whitespace, checking every character ----------------------
  token tokens[max_words];
  size_t count = 0;
  for (size_t i = 0; i < phrase.size();) {
    if (is_space(phrase[i])) {
      ++i;
      continue;
    }
    const size_t begin = i;
    const uint32_t position = static_cast<uint32_t>(count + 1);
    for (; i < phrase.size() && !is_space(phrase[i]); ++i) {
      const auto c = static_cast<unsigned char>(phrase[i]);
      if (c >= 0x80) {
        return make_identity_error(identity_errc::non_ascii,
                                   "non-ASCII byte " + hex_byte(c) + " in word "
                                       + std::to_string(position)
                                       + "; type the words in plain ASCII letters",
                                   position);
      }
      if (!is_letter(phrase[i])) {
        std::string shown =
            (c >= 0x21 && c <= 0x7e) ? std::string("'") + phrase[i] + "'" : hex_byte(c);
        return make_identity_error(identity_errc::invalid_character,
                                   "invalid character " + shown + " in word "
                                       + std::to_string(position)
                                       + "; words are letters A-Z separated by "
                                         "whitespace",
                                   position);
      }
    }
    if (count < max_words) {
      tokens[count] = token{begin, i - begin};
    }
    ++count;
  }
  if (count == 0) {
    return make_identity_error(identity_errc::empty_phrase, "mnemonic is empty");
  }
  if (!valid_word_count(count)) {
    return make_identity_error(
        identity_errc::wrong_word_count,
        "mnemonic must have 12, 15, 18, 21 or 24 words, got " + std::to_string(count));
  }

  // -- look up the words ----------------------------------------------------------
  uint16_t indices[max_words] = {0};
  char word[max_word_letters + 1] = {0};
  wipe_guard wipe_indices(indices, sizeof(indices));
  wipe_guard wipe_word(word, sizeof(word));
  for (size_t w = 0; w < count; ++w) {
    const token& t = tokens[w];
    int index = -1;
    if (t.len <= max_word_letters) {
      for (size_t k = 0; k < t.len; ++k) {
        word[k] = to_lower(phrase[t.begin + k]);
      }
      word[t.len] = '\0';
      index = bip39_word_index(std::string_view(word, t.len));
    }
    if (index < 0) {
      std::string typed(phrase.substr(t.begin, t.len));
      std::string lower = typed;
      std::transform(lower.begin(), lower.end(), lower.begin(), to_lower);
      std::string hint = suggestions(lower);
      sodium_memzero(lower.data(), lower.size());
      const auto position = static_cast<uint32_t>(w + 1);
      std::string msg = "word " + std::to_string(position) + " ('" + typed
                        + "') is not in the BIP-39 English word list";
      sodium_memzero(typed.data(), typed.size());
      if (!hint.empty()) {
        msg += "; did you mean " + hint + "?";
      }
      return make_identity_error(identity_errc::unknown_word, std::move(msg), position);
    }
    indices[w] = static_cast<uint16_t>(index);
  }

  // -- reassemble entropy || checksum and verify ----------------------------------
  uint8_t buf[bip39_max_entropy_bytes + 1] = {0};
  uint8_t hash[crypto_hash_sha256_BYTES];
  wipe_guard wipe_buf(buf, sizeof(buf));
  wipe_guard wipe_hash(hash, sizeof(hash));
  for (size_t w = 0; w < count; ++w) {
    for (size_t b = 0; b < 11; ++b) {
      if ((indices[w] >> (10 - b)) & 1u) {
        set_bit(buf, w * 11 + b);
      }
    }
  }
  const size_t len = count * 4 / 3;                                 // entropy bytes
  const unsigned checksum_bits = static_cast<unsigned>(count / 3);  // 4..8
  crypto_hash_sha256(hash, buf, len);
  const unsigned expected = hash[0] >> (8 - checksum_bits);
  const unsigned given = buf[len] >> (8 - checksum_bits);
  if (expected != given) {
    return make_identity_error(identity_errc::bad_checksum,
                               "mnemonic checksum does not match: a word is wrong or "
                               "two words are swapped");
  }
  std::memcpy(out, buf, len);
  out_len = len;
  return {};
}

}  // namespace nz::identity
