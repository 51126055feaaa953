#include <csignal>
#include <utility>

#include <doctest/doctest.h>

#include "runtime/crypto/secret.hpp"
#include "runtime/crypto/secret_string.hpp"
#include "unit/crypto/crypto_test_util.hpp"

using namespace nz::crypto;
using nz::crypto::test::child_exited_ok;
using nz::crypto::test::run_in_child;

namespace {

bool all_zero(const read_view& v) {
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] != 0) return false;
  return true;
}

}  // namespace

TEST_CASE("a new secret is zero-filled and inaccessible while no view is open") {
  secret<32> s;
  CHECK_FALSE(s.empty());
  CHECK(s.size() == 32);
  CHECK(s.open_views() == 0);
  CHECK(s.current_protection() == protection::no_access);
  auto r = s.read();
  CHECK(r.size() == 32);
  CHECK(all_zero(r));
}

TEST_CASE("views set the weakest protection that all open views need") {
  secret<16> s;
  {
    auto r1 = s.read();
    CHECK(s.open_views() == 1);
    CHECK(s.current_protection() == protection::read_only);
    {
      auto r2 = s.read();
      CHECK(s.open_views() == 2);
      CHECK(s.current_protection() == protection::read_only);
      {
        auto w = s.write();
        CHECK(s.open_views() == 3);
        CHECK(s.current_protection() == protection::read_write);
        w[0] = 0x42;
        CHECK(r1[0] == 0x42);  // views alias the same bytes
      }
      CHECK(s.open_views() == 2);
      CHECK(s.current_protection() == protection::read_only);
    }
    CHECK(s.current_protection() == protection::read_only);
  }
  CHECK(s.open_views() == 0);
  CHECK(s.current_protection() == protection::no_access);
}

TEST_CASE("a write view opened first stays writable under a nested read view") {
  secret<4> s;
  auto w = s.write();
  {
    auto r = s.read();
    CHECK(s.current_protection() == protection::read_write);
  }
  CHECK(s.current_protection() == protection::read_write);
  w[3] = 9;
  CHECK(s.open_views() == 1);
}

TEST_CASE("a moved view keeps the count and the secret stays readable") {
  secret<8> s;
  auto make = [&] { return s.read(); };
  auto r = make();
  auto r2 = std::move(r);
  CHECK(s.open_views() == 1);
  CHECK(r2.size() == 8);
  CHECK(r.size() == 0);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("contents written through a view read back after protection cycles") {
  secret<32> s;
  {
    auto w = s.write();
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(i);
  }
  CHECK(s.current_protection() == protection::no_access);
  auto r = s.read();
  for (size_t i = 0; i < r.size(); ++i) CHECK(r[i] == i);
}

TEST_CASE("moved-from secrets are empty and the target owns the contents") {
  secret<32> a;
  a.write()[5] = 7;
  secret<32> b{std::move(a)};
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move)
  CHECK_FALSE(b.empty());
  CHECK(b.read()[5] == 7);

  secret<32> c;
  c = std::move(b);
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(c.read()[5] == 7);

  secret_buffer buf{10};
  secret_buffer buf2{std::move(buf)};
  CHECK(buf.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(buf.size() == 0);
  CHECK(buf2.size() == 10);
}

TEST_CASE("wipe zeroes a secret and equals compares size and contents") {
  secret<8> a;
  secret<8> b;
  CHECK(a.equals(b));
  a.write()[0] = 1;
  CHECK_FALSE(a.equals(b));
  a.wipe();
  CHECK(a.equals(b));
  CHECK(all_zero(a.read()));
  secret_buffer x{8};
  secret_buffer y{9};
  CHECK_FALSE(x.equals(y));
}

TEST_CASE("secret_string holds a length within its limit and wipes on shrink") {
  secret_string s{16};
  CHECK(s.empty());
  CHECK(s.max_size() == 16);
  REQUIRE(s.assign("correct horse"));
  CHECK(s.size() == 13);
  CHECK(s.read().size() == 13);
  CHECK(std::memcmp(s.read().data(), "correct horse", 13) == 0);
  s.resize(7);
  CHECK(s.size() == 7);
  auto w = s.write();  // the whole capacity: bytes past size() are zero
  for (size_t i = 7; i < w.size(); ++i) CHECK(w[i] == 0);
}

TEST_CASE("secret_string refuses a value longer than its limit and is left empty") {
  secret_string s{4};
  REQUIRE(s.assign("abcd"));
  auto st = s.assign("abcde");
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::bad_passphrase);
  CHECK(st.error().message.find("longer than 4") != std::string::npos);
  CHECK(s.empty());
}

TEST_CASE(
    "secret_string equality needs the same length and bytes and moved-from is empty") {
  secret_string a;
  secret_string b;
  REQUIRE(a.assign("passphrase"));
  REQUIRE(b.assign("passphrase"));
  CHECK(a.equals(b));
  REQUIRE(b.assign("passphrasE"));
  CHECK_FALSE(a.equals(b));
  REQUIRE(b.assign("passphras"));
  CHECK_FALSE(a.equals(b));
  secret_string c{std::move(a)};
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(a.max_size() == 0);
  CHECK(c.size() == 10);
}

TEST_CASE("touching a secret's bytes after its view closed faults (forked child)") {
  int status = run_in_child([] {
    secret<32> s;
    const volatile uint8_t* p;
    {
      auto r = s.read();
      p = r.data();
    }
    volatile uint8_t sink = p[0];  // PROT_NONE: must not return
    (void)sink;
  });
  CHECK_FALSE(child_exited_ok(status));
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGSEGV);
}

TEST_CASE("misuse aborts: moving or destroying a secret with an open view") {
  int moved = run_in_child([] {
    secret<8> s;
    auto r = s.read();
    secret<8> t{std::move(s)};
  });
  CHECK(WIFSIGNALED(moved));
  if (WIFSIGNALED(moved)) CHECK(WTERMSIG(moved) == SIGABRT);

  int destroyed = run_in_child([] {
    auto* s = new secret<8>;
    auto r = s->read();
    delete s;
  });
  CHECK(WIFSIGNALED(destroyed));
  if (WIFSIGNALED(destroyed)) CHECK(WTERMSIG(destroyed) == SIGABRT);
}

TEST_CASE("misuse aborts: reading a moved-from secret or past a view's end") {
  int moved_from = run_in_child([] {
    secret<8> s;
    secret<8> t{std::move(s)};
    auto r = s.read();  // NOLINT(bugprone-use-after-move)
  });
  CHECK(WIFSIGNALED(moved_from));
  if (WIFSIGNALED(moved_from)) CHECK(WTERMSIG(moved_from) == SIGABRT);

  int past_end = run_in_child([] {
    secret<8> s;
    auto r = s.read();
    (void)r[8];
  });
  CHECK(WIFSIGNALED(past_end));
  if (WIFSIGNALED(past_end)) CHECK(WTERMSIG(past_end) == SIGABRT);
}
