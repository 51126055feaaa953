// The audit actor on the test coordinator with real sealed storage: sequence
// numbers, ordered and verified reads, continuation after a crash, truncation
// of oversized fields, and the since_ms / limit filters.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "trust_support.hpp"

using namespace nz;
using namespace nz::test;

TEST_CASE_FIXTURE(audit_fixture, "three events get seq 1, 2, 3 and read back in order") {
  start_audit();
  auto t0 = *now;
  for (uint64_t i = 1; i <= 3; ++i) {
    auto seq = record("auth_failure", "client-" + std::to_string(i),
                      "wrong token #" + std::to_string(i));
    REQUIRE(seq);
    CHECK(*seq == i);
    *now += 10;
  }
  auto page = read(0, 0);
  REQUIRE(page);
  CHECK(page->total == 3);
  CHECK(page->broken.empty());
  CHECK(page->head.size() == 64);
  REQUIRE(page->events.size() == 3);
  for (uint64_t i = 0; i < 3; ++i) {
    auto& e = page->events[i];
    CHECK(e.seq == i + 1);
    CHECK(e.time_ms == t0 + static_cast<int64_t>(10 * i));
    CHECK(e.kind == "auth_failure");
    CHECK(e.source == "client-" + std::to_string(i + 1));
    CHECK(e.detail == "wrong token #" + std::to_string(i + 1));
  }
  // The audit actor answers the shutdown phases once its appends are durable.
  auto p =
      ask<uint8_t>(audit, phase_atom::value, static_cast<uint8_t>(shutdown_phase::flush));
  REQUIRE(p);
  CHECK(*p == static_cast<uint8_t>(shutdown_phase::flush));
}

TEST_CASE_FIXTURE(audit_fixture, "a new audit actor after a crash continues at seq 4") {
  start_audit();
  for (int i = 0; i < 3; ++i) REQUIRE(record("lockout", "alice", "60 s"));
  auto before = read(0, 0);
  REQUIRE(before);
  crash_audit();
  start_audit();
  CHECK(recovery_note("audit") == "3 audit entries verified");
  auto same = read(0, 0);
  REQUIRE(same);
  CHECK(caf::deep_to_string(*same) == caf::deep_to_string(*before));
  auto seq = record("trust_revoke", "operator", "subject 00ff");
  REQUIRE(seq);
  CHECK(*seq == 4);
  auto page = read(0, 0);
  REQUIRE(page);
  CHECK(page->total == 4);
  CHECK(page->broken.empty());
  REQUIRE(page->events.size() == 4);
  CHECK(page->events[3].seq == 4);
  CHECK(page->events[3].kind == "trust_revoke");
  CHECK(page->head != before->head);
}

TEST_CASE_FIXTURE(audit_fixture,
                  "oversized fields are truncated with a marker, not refused") {
  start_audit();
  std::string source(10 * 1024, 'x');
  std::string detail;
  // 3-byte UTF-8 characters: the cut at 1024 bytes falls inside one, so it backs
  // up to the character boundary at 1023.
  for (int i = 0; i < 500; ++i) detail += "\xE2\x82\xAC";
  auto seq = record(std::string(40, 'k'), source, detail);
  REQUIRE(seq);
  CHECK(*seq == 1);
  auto page = read(0, 0);
  REQUIRE(page);
  CHECK(page->broken.empty());
  REQUIRE(page->events.size() == 1);
  auto& e = page->events[0];
  CHECK(e.kind == std::string(32, 'k') + " [truncated 8 bytes]");
  CHECK(e.source == std::string(128, 'x') + " [truncated 10112 bytes]");
  CHECK(e.detail.rfind(detail.substr(0, 1023), 0) == 0);
  CHECK(e.detail.substr(1023) == " [truncated 477 bytes]");
}

TEST_CASE_FIXTURE(audit_fixture, "read filters by since_ms and keeps the newest limit") {
  start_audit();
  auto t0 = *now;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(record("auth_failure", "c" + std::to_string(i), ""));
    *now += 1000;
  }
  auto page = read(t0 + 1000, 0);
  REQUIRE(page);
  CHECK(page->total == 3);
  REQUIRE(page->events.size() == 2);
  CHECK(page->events[0].seq == 2);
  CHECK(page->events[1].seq == 3);
  page = read(t0 + 1001, 0);
  REQUIRE(page);
  REQUIRE(page->events.size() == 1);
  CHECK(page->events[0].seq == 3);
  page = read(t0 + 2001, 0);
  REQUIRE(page);
  CHECK(page->events.empty());
  CHECK(page->total == 3);
  page = read(0, 2);
  REQUIRE(page);
  REQUIRE(page->events.size() == 2);
  CHECK(page->events[0].seq == 2);
  CHECK(page->events[1].seq == 3);
}

TEST_CASE_FIXTURE(audit_fixture,
                  "a wall clock that steps back does not break the chain") {
  start_audit();
  auto t0 = *now;
  REQUIRE(record("auth_failure", "a", ""));
  *now = t0 - 60'000;  // e.g. an NTP correction
  REQUIRE(record("auth_failure", "b", ""));
  auto page = read(0, 0);
  REQUIRE(page);
  CHECK(page->broken.empty());
  REQUIRE(page->events.size() == 2);
  CHECK(page->events[0].time_ms == t0);
  CHECK(page->events[1].time_ms == t0 - 60'000);
  // since_ms filters by each event's own time, not by position.
  page = read(t0, 0);
  REQUIRE(page);
  REQUIRE(page->events.size() == 1);
  CHECK(page->events[0].source == "a");
}
