#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include <fcntl.h>
#include <pthread.h>
#include <pty.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "runtime/crypto/passphrase.hpp"
#include "support/temp_dir.hpp"
#include "unit/crypto/crypto_test_util.hpp"

using namespace nz::crypto;
using namespace nz::crypto::test;

namespace {

std::string contents(const secret_string& s) {
  auto r = s.read();
  return std::string(reinterpret_cast<const char*>(r.data()), r.size());
}

crypto_status read_file_text(secret_string& out, std::string& note,
                             nz::test::temp_dir& dir, std::string_view text,
                             unsigned mode = 0600) {
  auto path = dir.str() + "/pass";
  write_bytes(path, text);
  ::chmod(path.c_str(), mode);
  return read_passphrase_file(out, note, path);
}

}  // namespace

// -- files ----------------------------------------------------------------------

TEST_CASE("a passphrase file loses exactly one trailing newline or CRLF") {
  nz::test::temp_dir dir{"nzpass"};
  secret_string out;
  std::string note;
  REQUIRE(read_file_text(out, note, dir, "correct horse\n"));
  CHECK(contents(out) == "correct horse");
  REQUIRE(read_file_text(out, note, dir, "correct horse\r\n"));
  CHECK(contents(out) == "correct horse");
  REQUIRE(read_file_text(out, note, dir, "two newlines\n\n"));
  CHECK(contents(out) == "two newlines\n");
  REQUIRE(read_file_text(out, note, dir, "  spaces kept  "));
  CHECK(contents(out) == "  spaces kept  ");
  CHECK(note.empty());
}

TEST_CASE("an empty passphrase file, or one with only a newline, is refused") {
  nz::test::temp_dir dir{"nzpass"};
  secret_string out;
  std::string note;
  for (auto text : {"", "\n", "\r\n"}) {
    CAPTURE(text);
    auto st = read_file_text(out, note, dir, text);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == crypto_errc::bad_passphrase);
    CHECK(st.error().message.find("is empty") != std::string::npos);
  }
}

TEST_CASE("a passphrase file over 1 KiB is refused but exactly 1 KiB is accepted") {
  nz::test::temp_dir dir{"nzpass"};
  secret_string out;
  std::string note;
  REQUIRE(read_file_text(out, note, dir, std::string(1024, 'x')));
  CHECK(out.size() == 1024);
  auto st = read_file_text(out, note, dir, std::string(1024, 'x') + "\n");
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::bad_passphrase);
  CHECK(st.error().message.find("1025 bytes; the limit is 1024") != std::string::npos);
  CHECK(out.size() == 1024);  // `out` untouched on error
}

TEST_CASE("a passphrase file readable by group or others works with a warning") {
  nz::test::temp_dir dir{"nzpass"};
  secret_string out;
  std::string note;
  REQUIRE(read_file_text(out, note, dir, "pw\n", 0644));
  CHECK(contents(out) == "pw");
  CHECK(note.find("accessible by group or others (mode 0644)") != std::string::npos);
  CHECK(note.find("chmod 600") != std::string::npos);
  REQUIRE(read_file_text(out, note, dir, "pw\n", 0400));
  CHECK(note.empty());
}

TEST_CASE("a missing passphrase file is not_found and a directory an io_error") {
  nz::test::temp_dir dir{"nzpass"};
  secret_string out;
  std::string note;
  auto st = read_passphrase_file(out, note, dir.str() + "/nope");
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::not_found);
  CHECK(st.error().message.find(dir.str() + "/nope") != std::string::npos);
  st = read_passphrase_file(out, note, dir.str());
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::io_error);
}

TEST_CASE("a passphrase can come from a pipe, with the same size limit") {
  secret_string out;
  std::string note;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "from a pipe\n", 12) == 12);
  ::close(fds[1]);
  REQUIRE(read_passphrase_file(out, note, "/dev/fd/" + std::to_string(fds[0])));
  ::close(fds[0]);
  CHECK(contents(out) == "from a pipe");

  REQUIRE(::pipe(fds) == 0);
  std::string big(2000, 'y');
  REQUIRE(::write(fds[1], big.data(), big.size()) == 2000);
  ::close(fds[1]);
  auto st = read_passphrase_file(out, note, "/dev/fd/" + std::to_string(fds[0]));
  ::close(fds[0]);
  REQUIRE_FALSE(st);
  CHECK(st.error().message.find("longer than 1024 bytes") != std::string::npos);
}

TEST_CASE("the systemd credential is read from $CREDENTIALS_DIRECTORY") {
  nz::test::temp_dir dir{"nzcred"};
  secret_string out;
  std::string note;
  const char* saved = std::getenv("CREDENTIALS_DIRECTORY");
  std::string saved_value = saved ? saved : "";

  ::unsetenv("CREDENTIALS_DIRECTORY");
  auto st = read_systemd_credential(out, note);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::not_found);
  CHECK(st.error().message.find("CREDENTIALS_DIRECTORY") != std::string::npos);

  ::setenv("CREDENTIALS_DIRECTORY", dir.str().c_str(), 1);
  st = read_systemd_credential(out, note);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::not_found);
  CHECK(st.error().message.find("nzcore-passphrase") != std::string::npos);

  write_bytes(dir.str() + "/nzcore-passphrase", "from systemd");
  ::chmod((dir.str() + "/nzcore-passphrase").c_str(), 0400);
  REQUIRE(read_systemd_credential(out, note));
  CHECK(contents(out) == "from systemd");
  CHECK(note.empty());

  if (saved)
    ::setenv("CREDENTIALS_DIRECTORY", saved_value.c_str(), 1);
  else
    ::unsetenv("CREDENTIALS_DIRECTORY");
}

// -- policy ---------------------------------------------------------------------

TEST_CASE("a new passphrase needs at least 8 characters, counted as code points") {
  CHECK_FALSE(check_new_passphrase(pass("")));
  auto st = check_new_passphrase(pass("1234567"));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::bad_passphrase);
  CHECK(st.error().message == "passphrase too short: 7 characters, at least 8 required");
  CHECK(check_new_passphrase(pass("12345678")));
  // 7 x U+00E9: 14 bytes but 7 characters.
  CHECK_FALSE(check_new_passphrase(
      pass("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")));
  CHECK(check_new_passphrase(
      pass("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")));
}

// -- terminal -------------------------------------------------------------------

namespace {

/// A pseudo-terminal with a prompt running on its slave side in a thread.
class pty_prompt {
 public:
  explicit pty_prompt(bool confirm) {
    REQUIRE(::openpty(&master_, &slave_, nullptr, nullptr, nullptr) == 0);
    worker_ = std::thread([this, confirm] {
      status_ = prompt_passphrase_on(out_, slave_, "Passphrase: ", confirm);
      done_ = true;
    });
  }
  ~pty_prompt() {
    if (worker_.joinable()) worker_.join();
    ::close(master_);
    ::close(slave_);
  }

  /// Waits (bounded) until the prompt has switched echo off.
  bool wait_echo_off() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      struct termios t {};
      if (::tcgetattr(slave_, &t) == 0 && (t.c_lflag & ECHO) == 0) return true;
      std::this_thread::yield();
    }
    return false;
  }

  void type(std::string_view s) {
    REQUIRE(::write(master_, s.data(), s.size()) == static_cast<ssize_t>(s.size()));
  }

  /// Joins the prompt and returns everything the terminal displayed.
  std::string finish() {
    worker_.join();
    std::string shown;
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
    char buf[256];
    for (;;) {
      auto n = ::read(master_, buf, sizeof(buf));
      if (n <= 0) break;
      shown.append(buf, static_cast<size_t>(n));
    }
    return shown;
  }

  bool echo_on() const {
    struct termios t {};
    return ::tcgetattr(slave_, &t) == 0 && (t.c_lflag & ECHO) != 0;
  }

  pthread_t worker_handle() { return worker_.native_handle(); }
  bool done() const { return done_; }
  crypto_status& status() { return status_; }
  secret_string& out() { return out_; }

 private:
  int master_ = -1;
  int slave_ = -1;
  secret_string out_;
  crypto_status status_;
  std::atomic<bool> done_{false};
  std::thread worker_;
};

}  // namespace

TEST_CASE("the prompt reads a line with echo off and restores the terminal") {
  pty_prompt p{false};
  REQUIRE(p.wait_echo_off());
  p.type("correct horse\n");
  auto shown = p.finish();
  REQUIRE(p.status());
  CHECK(contents(p.out()) == "correct horse");
  CHECK(shown.find("Passphrase: ") != std::string::npos);
  CHECK(shown.find("correct") == std::string::npos);
  CHECK(p.echo_on());
}

TEST_CASE("the prompt with confirmation accepts two equal answers") {
  pty_prompt p{true};
  REQUIRE(p.wait_echo_off());
  p.type("battery staple\nbattery staple\n");
  auto shown = p.finish();
  REQUIRE(p.status());
  CHECK(contents(p.out()) == "battery staple");
  CHECK(shown.find("Repeat passphrase: ") != std::string::npos);
  CHECK(shown.find("battery") == std::string::npos);
  CHECK(p.echo_on());
}

TEST_CASE("the prompt with confirmation refuses two different answers") {
  pty_prompt p{true};
  REQUIRE(p.wait_echo_off());
  p.type("battery staple\nbattery stapler\n");
  p.finish();
  REQUIRE_FALSE(p.status());
  CHECK(p.status().error().code == crypto_errc::bad_passphrase);
  CHECK(p.status().error().message == "passphrases do not match");
  CHECK(p.out().empty());
  CHECK(p.echo_on());
}

TEST_CASE("end of input at the prompt is an error and the terminal is restored") {
  pty_prompt p{false};
  REQUIRE(p.wait_echo_off());
  p.type("\x04");  // VEOF at the start of a line: read() returns 0
  p.finish();
  REQUIRE_FALSE(p.status());
  CHECK(p.status().error().message == "no passphrase entered (end of input)");
  CHECK(p.echo_on());
}

namespace {
std::atomic<int> test_sigint_count{0};
extern "C" void count_sigint(int) {
  ++test_sigint_count;
}
}  // namespace

TEST_CASE("a signal during the prompt restores the terminal and is passed on") {
  struct sigaction sa {};
  struct sigaction old {};
  sa.sa_handler = count_sigint;
  sigemptyset(&sa.sa_mask);
  REQUIRE(::sigaction(SIGINT, &sa, &old) == 0);
  test_sigint_count = 0;
  {
    pty_prompt p{false};
    REQUIRE(p.wait_echo_off());
    // Repeat until the prompt notices: the first signal may land just before
    // it blocks in read().
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!p.done() && std::chrono::steady_clock::now() < deadline) {
      ::pthread_kill(p.worker_handle(), SIGINT);
      std::this_thread::yield();
    }
    p.finish();
    REQUIRE_FALSE(p.status());
    CHECK(p.status().error().message.find("interrupted by signal 2")
          != std::string::npos);
    CHECK(p.echo_on());
  }
  CHECK(test_sigint_count >= 1);  // re-raised to the handler we had installed
  ::sigaction(SIGINT, &old, nullptr);
}

TEST_CASE("prompting without a terminal is no_terminal") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  secret_string out;
  auto st = prompt_passphrase_on(out, fds[0], "Passphrase: ", false);
  ::close(fds[0]);
  ::close(fds[1]);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == crypto_errc::no_terminal);

  // A child in a new session has no controlling terminal: /dev/tty fails.
  int status = run_in_child([] {
    ::setsid();
    secret_string s;
    auto r = prompt_passphrase(s, "Passphrase: ", false);
    ::_exit(!r && r.error().code == crypto_errc::no_terminal ? 0 : 1);
  });
  CHECK(child_exited_ok(status));
}
