// A directory under $TMPDIR (or /tmp) that is removed with everything in it when
// the object goes out of scope. Tests use it for real LMDB files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace nz::test {

class temp_dir {
 public:
  explicit temp_dir(const std::string& tag = "nz") {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string{base ? base : "/tmp"} + "/" + tag + "-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed for " + templ);
    path_ = templ;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace nz::test
