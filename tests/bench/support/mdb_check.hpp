// MDB_CHECK(call): runs an LMDB call in a benchmark and dies (bench_fail.hpp)
// naming the call and LMDB's message unless it returns 0.
#pragma once

#include <string>

#include <lmdb.h>

#include "bench/support/bench_fail.hpp"

#define MDB_CHECK(call)                                                \
  do {                                                                 \
    if (int rc_ = (call); rc_ != 0)                                    \
      ::nz::bench::die(std::string{#call} + ": " + mdb_strerror(rc_)); \
  } while (false)
