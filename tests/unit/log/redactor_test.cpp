#include <string>

#include <doctest/doctest.h>

#include "runtime/log/redacted.hpp"
#include "runtime/log/redactor.hpp"

using nz::log::redactor;

TEST_CASE("a registered secret is replaced wherever it occurs") {
  redactor r;
  REQUIRE(r.add_secret("hunter2-swordfish"));
  auto out = r.apply("login with xhunter2-swordfishy and again hunter2-swordfish.");
  CHECK(out == "login with x[REDACTED]y and again [REDACTED].");
}

TEST_CASE("a registered secret is replaced in lower- and upper-case hex") {
  redactor r;
  REQUIRE(r.add_secret(std::string_view{"\x01\xab\xcd\xef\x10\x99", 6}));
  CHECK(r.apply("key=01abcdef1099;") == "key=[REDACTED];");
  CHECK(r.apply("KEY 01ABCDEF1099 end") == "KEY [REDACTED] end");
  CHECK(r.apply("raw \x01\xab\xcd\xef\x10\x99!") == "raw [REDACTED]!");
}

TEST_CASE("a registered secret is replaced in base64, standard and URL-safe") {
  redactor r;
  REQUIRE(r.add_secret("\xfb\xff\xfe-secret-keys"));  // 15 bytes: 5 whole groups
  CHECK(r.apply("blob +//+LXNlY3JldC1rZXlz end") == "blob [REDACTED] end");
  CHECK(r.apply("url -__-LXNlY3JldC1rZXlz") == "url [REDACTED]");
  // 14 bytes: the 4 whole groups are covered; the last partial group depends on
  // the bytes that follow the secret, so it stays (2 bytes' worth of bits at most)
  redactor r14;
  REQUIRE(r14.add_secret("\xfb\xff\xfe-secret-key"));
  CHECK(r14.apply("blob +//+LXNlY3JldC1rZXk= end") == "blob [REDACTED]ZXk= end");
}

TEST_CASE("secrets shorter than six bytes are ignored") {
  redactor r;
  CHECK_FALSE(r.add_secret("12345"));
  CHECK_FALSE(r.add_secret(""));
  CHECK(r.size() == 0);
  CHECK(r.apply("pin 12345") == "pin 12345");
  CHECK(r.add_secret("123456"));
  CHECK_FALSE(r.add_secret("123456"));
  CHECK(r.size() == 1);
}

TEST_CASE("overlapping secrets leave no fragment behind") {
  redactor r;
  REQUIRE(r.add_secret("abcdefgh"));
  REQUIRE(r.add_secret("efghijkl"));
  CHECK(r.apply("xabcdefghijkly") == "x[REDACTED]y");
}

TEST_CASE("clear forgets every secret") {
  redactor r;
  REQUIRE(r.add_secret("correct horse"));
  r.clear();
  CHECK(r.size() == 0);
  CHECK(r.apply("correct horse") == "correct horse");
}

TEST_CASE("values of sensitive keys are scrubbed in key=value, key: value and JSON") {
  CHECK(redactor::scrub_keys("user=bob token=abc123 n=1")
        == "user=bob token=[REDACTED] n=1");
  CHECK(redactor::scrub_keys("Passphrase: open sesame")
        == "Passphrase: [REDACTED] sesame");
  CHECK(redactor::scrub_keys(R"({"api_token":"x\"y","ok":true})")
        == R"({"api_token":"[REDACTED]","ok":true})");
  CHECK(redactor::scrub_keys("db.password='p w', next")
        == "db.password='[REDACTED]', next");
  CHECK(redactor::scrub_keys("?session_token=abc&page=2")
        == "?session_token=[REDACTED]&page=2");
  CHECK(redactor::scrub_keys("PRIVATE-KEY = deadbeef") == "PRIVATE-KEY = [REDACTED]");
  CHECK(redactor::scrub_keys("privkey:zz mnemonic=a seed=b client_secret=c")
        == "privkey:[REDACTED] mnemonic=[REDACTED] seed=[REDACTED] client_secret=[REDACTED]");
  CHECK(redactor::scrub_keys("the token was rejected") == "the token was rejected");
  CHECK(redactor::scrub_keys("user=bob count: 3") == "user=bob count: 3");
  CHECK(redactor::scrub_keys("token=") == "token=");
  CHECK(redactor::scrub_keys("password=\"unterminated") == "password=\"[REDACTED]");
}

TEST_CASE("redacted wrappers format as <redacted>") {
  nz::secret_string s{"very secret passphrase"};
  CHECK(fmt::format("pass {} / {}", s, nz::redacted{42})
        == "pass <redacted> / <redacted>");
  CHECK(s.reveal() == "very secret passphrase");
  nz::secret_string moved{std::move(s)};
  CHECK(s.empty());  // NOLINT(bugprone-use-after-move): wiped by contract
  CHECK(moved.size() == 22);
  moved.wipe();
  CHECK(moved.empty());
}
