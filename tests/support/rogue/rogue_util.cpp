#include "support/rogue/rogue_util.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace nz::rogue {

std::mutex& out_mutex() {
  static std::mutex mtx;
  return mtx;
}

void print_line(const std::string& line) {
  std::lock_guard<std::mutex> guard{out_mutex()};
  std::cout << line << std::endl;
}

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string hex(const uint8_t* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

bytes random_bytes(size_t n) {
  bytes out(n);
  if (n > 0) randombytes_buf(out.data(), out.size());
  return out;
}

void sleep_ms(int64_t ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

long rss_kib(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

rss_sampler::rss_sampler(int pid) : pid_(pid), before_(rss_kib(pid)), peak_(before_) {
  thread_ = std::thread{[this] {
    while (running_) {
      auto now = rss_kib(pid_);
      auto old = peak_.load();
      while (now > old && !peak_.compare_exchange_weak(old, now)) {
      }
      sleep_ms(10);
    }
  }};
}

rss_sampler::~rss_sampler() {
  stop();
}

void rss_sampler::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

}  // namespace nz::rogue
