// BIP-39: the generated word list, the reference vectors, and every error of
// mnemonic_to_entropy under hostile input.
#include <doctest/doctest.h>
#include <sodium.h>

#include <cstring>
#include <string>
#include <vector>

#include "actors/identity/bip39.hpp"

using namespace nz::identity;

namespace {

std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  size_t len = 0;
  REQUIRE(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len,
                         nullptr)
          == 0);
  out.resize(len);
  return out;
}

std::string to_hex(const uint8_t* p, size_t n) {
  std::string s(2 * n + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), p, n);
  s.pop_back();
  return s;
}

/// Decodes `phrase`; returns hex entropy or "ERR <code>".
std::string decode(std::string_view phrase) {
  uint8_t out[bip39_max_entropy_bytes];
  size_t len = 99;
  auto st = mnemonic_to_entropy(out, len, phrase);
  if (!st) {
    CHECK(len == 0);
    return std::string("ERR ") + to_string(st.error().code);
  }
  return to_hex(out, len);
}

identity_error decode_error(std::string_view phrase) {
  uint8_t out[bip39_max_entropy_bytes];
  size_t len = 0;
  auto st = mnemonic_to_entropy(out, len, phrase);
  REQUIRE_FALSE(st);
  return st.error();
}

std::string repeat(const std::string& word, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += (i ? " " : "") + word;
  }
  return s;
}

// English entropy -> mnemonic pairs of the BIP-39 reference vectors, from
// trezor/python-mnemonic vectors.json (Debian's python3-mnemonic does not ship
// the file). The PBKDF2 seeds of that file are left out: NewZone does not use them.
const char* const reference_vectors[][2] = {
    {"00000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon about"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank yellow"},
    {"80808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"},
    {"ffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong"},
    {"000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon abandon agent"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank year wave "
     "sausage worth useful legal will"},
    {"808080808080808080808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd "
     "amount doctor acoustic avoid letter always"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo when"},
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon art"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank year wave "
     "sausage worth useful legal winner thank year wave sausage worth title"},
    {"8080808080808080808080808080808080808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd "
     "amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic "
     "bless"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
     "zoo "
     "zoo zoo vote"},
    {"7dce4ed2284c9134d026608ab684c05c",
     "lava include region explain simple omit dog slot melt reflect copy reward"},
    {"0ce452419635c1a5faf44d60f2029f73fdc43419b4de1f03",
     "artefact card motor cluster foster spray type meadow genius mosquito pond tree "
     "sword borrow grocery orange business burger"},
    {"00ac97c48106f0aeb8ba061e0250a559b3251dc35854e694780ba51d53a50120",
     "absent gorilla van acoustic humor firm title dolphin bulk barely citizen recall "
     "crane moment aspect appear track phrase actual enforce steel spoon afraid benefit"},
    {"5baf069620eff15c71dd97c9a6ee328f",
     "forum join pitch dove yellow purchase shuffle real situate danger million bunker"},
    {"977f8287f9ed670b8489838ab0476a63b65d4df12f406e68",
     "number winter peanut video stool magic banana corn melt lion surround shuffle "
     "grape plunge seven trend hover dwarf"},
    {"3edc83b60740d77af3afa2fcb82c2f1bc541ee4e2518ddef4996d32453f54a3c",
     "disagree tomato unique attend aspect runway solid violin witness scrap armed "
     "daring favorite warm decade perfect target kid grant play early wide cigar night"},
    {"63deb1e7f0c3de56f4ab43c9d2ae6c86",
     "glow void ketchup thunder digital clock sport half six nice open artefact"},
    {"e77c6500b49072aefdf0a8aa787cf557d1920e94103e0597",
     "trash tobacco dizzy hard already first water bench price sentence diary quick "
     "bomb also expect amazing airport royal"},
    {"89bb4bc5555992cdaf3444c5e7ca5a6e9f27efab894f1990bae41be8b2a26ea4",
     "meadow surge vanish primary odor grocery rubber mass shine dinner notable tag "
     "venue water purchase clarify book magic ribbon daughter menu eye ritual orchard"},
    {"00641669f095b433a304ed0f953f28eb",
     "about camera omit thrive forget border metal oval auto prepare sketch stomach"},
    {"b8b0ff94389d3ec591c7d2fb72d8d3666e4e52b8cdf5471d",
     "reward margin topic illness stadium glare either where window nothing crumble "
     "smoke top citizen tobacco salt either truth"},
    {"911fec0fbd88029f6fa99164896c18d898c9232af18bdcca3e42d53b86493104",
     "much youth advance kitchen lens exile salt cram goose enter alert raise milk "
     "muscle profit cousin system faint mouse price reveal cause series long"},
};

const std::string zero12 = repeat("abandon", 11) + " about";

}  // namespace

TEST_CASE("the generated word list is the sorted 2048-word BIP-39 English list") {
  CHECK(std::string(bip39_word(0)) == "abandon");
  CHECK(std::string(bip39_word(3)) == "about");
  CHECK(std::string(bip39_word(2047)) == "zoo");
  for (size_t i = 0; i < 2048; ++i) {
    const std::string w = bip39_word(i);
    CHECK(w.size() >= 3);
    CHECK(w.size() <= 8);
    CHECK(bip39_word_index(w) == static_cast<int>(i));
    if (i > 0) {
      CHECK(std::strcmp(bip39_word(i - 1), bip39_word(i)) < 0);
      // Unique in the first four letters (what the suggestions rely on).
      CHECK(std::string(bip39_word(i - 1)).substr(0, 4) != w.substr(0, 4));
    }
  }
  CHECK(bip39_word_index("") == -1);
  CHECK(bip39_word_index("abando") == -1);
  CHECK(bip39_word_index("zoos") == -1);
  CHECK(bip39_word_index("Abandon") == -1);
}

TEST_CASE("entropy encodes to the BIP-39 reference mnemonics and decodes back") {
  for (const auto& v : reference_vectors) {
    CAPTURE(v[0]);
    const auto entropy = from_hex(v[0]);
    std::string phrase;
    REQUIRE(entropy_to_mnemonic(phrase, entropy.data(), entropy.size()));
    CHECK(phrase == v[1]);
    CHECK(decode(v[1]) == v[0]);
  }
}

TEST_CASE("entropy of a length other than 16, 20, 24, 28 or 32 bytes is refused") {
  uint8_t entropy[64] = {0};
  for (size_t len : {0, 1, 12, 15, 17, 31, 33, 64}) {
    std::string phrase = "stale";
    auto st = entropy_to_mnemonic(phrase, entropy, len);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == identity_errc::invalid_entropy_length);
    CHECK(st.error().message.find(std::to_string(len)) != std::string::npos);
    CHECK(phrase.empty());
  }
  for (size_t len : {16, 20, 24, 28, 32}) {
    std::string phrase;
    REQUIRE(entropy_to_mnemonic(phrase, entropy, len));
    size_t words = 1;
    for (char c : phrase) {
      words += c == ' ';
    }
    CHECK(words == len * 3 / 4);
  }
}

TEST_CASE("an empty or whitespace-only phrase is empty_phrase") {
  CHECK(decode("") == "ERR empty_phrase");
  CHECK(decode(" \t\r\n\v\f  ") == "ERR empty_phrase");
}

TEST_CASE("a phrase over 1000 bytes is refused before it is parsed") {
  const std::string long_phrase(bip39_max_phrase_bytes + 1, ' ');
  auto e = decode_error(long_phrase);
  CHECK(e.code == identity_errc::phrase_too_long);
  CHECK(e.message.find("1001") != std::string::npos);
  CHECK(e.message.find("1000") != std::string::npos);
  // Exactly at the limit: parsed (here: padded valid phrase).
  std::string padded = zero12;
  padded.append(bip39_max_phrase_bytes - padded.size(), ' ');
  CHECK(decode(padded) == "00000000000000000000000000000000");
}

TEST_CASE("11, 13 and 25 words are wrong_word_count naming allowed and given counts") {
  for (size_t n : {1, 11, 13, 14, 23, 25, 48}) {
    auto e = decode_error(repeat("abandon", n));
    CHECK(e.code == identity_errc::wrong_word_count);
    CHECK(e.message.find("12, 15, 18, 21 or 24") != std::string::npos);
    CHECK(e.message.find("got " + std::to_string(n)) != std::string::npos);
  }
}

TEST_CASE("non-ASCII bytes and invalid characters are refused with their word") {
  std::string accented = zero12;
  accented.replace(8, 7, "ab\xc3\xa1ndon");  // word 2: "abándon"
  auto e = decode_error(accented);
  CHECK(e.code == identity_errc::non_ascii);
  CHECK(e.word_position == 2);
  CHECK(e.message.find("0xC3") != std::string::npos);
  CHECK(e.message.find("word 2") != std::string::npos);

  // A no-break space (U+00A0) between words is not whitespace for us.
  std::string nbsp = "abandon\xc2\xa0" + zero12.substr(8);
  CHECK(decode_error(nbsp).code == identity_errc::non_ascii);

  e = decode_error("abandon abandon abandon1 " + repeat("abandon", 8) + " about");
  CHECK(e.code == identity_errc::invalid_character);
  CHECK(e.word_position == 3);
  CHECK(e.message.find("'1'") != std::string::npos);

  e = decode_error("1. abandon 2. about");
  CHECK(e.code == identity_errc::invalid_character);
  CHECK(e.word_position == 1);

  CHECK(decode_error(repeat("abandon,", 11) + " about").code
        == identity_errc::invalid_character);
  const std::string with_nul = "abandon" + std::string(1, '\0') + "abandon";
  e = decode_error(with_nul);
  CHECK(e.code == identity_errc::invalid_character);
  CHECK(e.message.find("0x00") != std::string::npos);
  CHECK(decode_error("abandon\x07").code == identity_errc::invalid_character);
}

TEST_CASE("a valid phrase with one word replaced by a non-word names word and position") {
  std::string phrase =
      repeat("abandon", 4) + " abandn " + repeat("abandon", 6) + " about";
  auto e = decode_error(phrase);
  CHECK(e.code == identity_errc::unknown_word);
  CHECK(e.word_position == 5);
  CHECK(e.message.find("word 5") != std::string::npos);
  CHECK(e.message.find("'abandn'") != std::string::npos);
  CHECK(e.message.find("did you mean 'abandon'") != std::string::npos);

  // Words longer than any list word, and words sharing no prefix: no suggestion.
  e = decode_error(repeat("abandon", 11) + " xylophones");
  CHECK(e.code == identity_errc::unknown_word);
  CHECK(e.word_position == 12);
  CHECK(e.message.find("did you mean") == std::string::npos);

  // A typo after the first four letters suggests the one word with that prefix.
  e = decode_error("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrongg");
  CHECK(e.message.find("did you mean 'wrong'") != std::string::npos);

  // The word is reported as typed; suggestions ignore case.
  e = decode_error("ABANDN " + repeat("abandon", 10) + " about");
  CHECK(e.word_position == 1);
  CHECK(e.message.find("'ABANDN'") != std::string::npos);
  CHECK(e.message.find("'abandon'") != std::string::npos);
}

TEST_CASE("a valid phrase with the last word changed fails its checksum") {
  CHECK(decode(repeat("abandon", 12)) == "ERR bad_checksum");
  CHECK(decode(repeat("zoo", 12)) == "ERR bad_checksum");
  CHECK(decode(repeat("abandon", 23) + " zoo") == "ERR bad_checksum");
  // Two words swapped.
  CHECK(decode("winner legal thank year wave sausage worth useful legal winner thank "
               "yellow")
        == "ERR bad_checksum");
  auto e = decode_error(repeat("abandon", 12));
  CHECK(e.message.find("checksum") != std::string::npos);
  CHECK(e.word_position == 0);
}

TEST_CASE("extra whitespace and upper case are accepted") {
  const std::string expect = "00000000000000000000000000000000";
  CHECK(decode("  \t" + zero12 + "\n") == expect);
  CHECK(decode("ABANDON Abandon aBaNdOn\t\tabandon\n abandon\r\nabandon  abandon "
               "abandon\vabandon\fabandon abandon ABOUT")
        == expect);
}

TEST_CASE("the error codes have stable names") {
  CHECK(std::string(to_string(identity_errc::empty_phrase)) == "empty_phrase");
  CHECK(std::string(to_string(identity_errc::phrase_too_long)) == "phrase_too_long");
  CHECK(std::string(to_string(identity_errc::non_ascii)) == "non_ascii");
  CHECK(std::string(to_string(identity_errc::invalid_character)) == "invalid_character");
  CHECK(std::string(to_string(identity_errc::wrong_word_count)) == "wrong_word_count");
  CHECK(std::string(to_string(identity_errc::unknown_word)) == "unknown_word");
  CHECK(std::string(to_string(identity_errc::bad_checksum)) == "bad_checksum");
  CHECK(std::string(to_string(identity_errc::invalid_entropy_length))
        == "invalid_entropy_length");
  CHECK(std::string(to_string(identity_errc::invalid_output_length))
        == "invalid_output_length");
  CHECK(std::string(to_string(identity_errc::crypto_failure)) == "crypto_failure");
}
