// Actor-side access to a hash chain stored in sealed kv records (chain_scan.hpp
// has the layout). Include only from .cpp files (heavy CAF headers).
//
// load_records(): lists the namespace page by page and reads every record,
// all reads of a page in flight at once; calls on_done with every record in
// key order (a record that failed to open carries its error instead of a
// value), or on_fail with the first storage failure that is not a damaged
// record (storage gone, timeout). The callbacks run in the calling actor.
// put_record(): one durable sealed put; the callback runs once it is durable.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "messages/core_errors.hpp"
#include "messages/storage_api.hpp"
#include "runtime/sealed_log/chain_scan.hpp"

namespace nz::sealed_log {

namespace detail {

struct load_job {
  std::string ns;
  caf::timespan timeout;
  std::vector<stored_record> records;
  size_t pending = 0;
  bytes cursor;
  bool failed = false;
  std::function<void(std::vector<stored_record>)> on_done;
  std::function<void(caf::error)> on_fail;
};

inline bool is_damaged_record(const caf::error& err) {
  return err.category() == storage_category
         && err.code() == static_cast<uint8_t>(storage_errc::corrupt_record);
}

template <class Self>
void load_page(Self* self, storage_actor storage, std::shared_ptr<load_job> job) {
  self->request(storage, job->timeout, kv_list_atom::value,
                static_cast<uint8_t>(kv_table::kv), job->ns, bytes{}, uint32_t{0},
                job->cursor)
      .then(
          [self, storage, job](kv_listing& page) {
            if (page.keys.empty()) {
              job->on_done(std::move(job->records));
              return;
            }
            job->cursor = std::move(page.cursor);
            auto base = job->records.size();
            job->records.resize(base + page.keys.size());
            job->pending = page.keys.size();
            for (size_t i = 0; i < page.keys.size(); ++i) {
              auto idx = base + i;
              job->records[idx].key = page.keys[i];
              auto finish_one = [self, storage, job] {
                if (--job->pending > 0 || job->failed) return;
                if (job->cursor.empty())
                  job->on_done(std::move(job->records));
                else
                  load_page(self, storage, job);
              };
              self->request(storage, job->timeout, kv_get_atom::value,
                            static_cast<uint8_t>(kv_table::kv), job->ns,
                            std::move(page.keys[i]))
                  .then(
                      [job, idx, finish_one](bytes& value) {
                        job->records[idx].value = std::move(value);
                        finish_one();
                      },
                      [self, job, idx, finish_one](caf::error& err) {
                        if (is_damaged_record(err)) {
                          job->records[idx].error = self->system().render(err);
                        } else if (!job->failed) {
                          job->failed = true;
                          job->on_fail(std::move(err));
                          return;
                        }
                        finish_one();
                      });
            }
          },
          [job](caf::error& err) { job->on_fail(std::move(err)); });
}

}  // namespace detail

template <class Self>
void load_records(Self* self, storage_actor storage, std::string ns,
                  caf::timespan timeout,
                  std::function<void(std::vector<stored_record>)> on_done,
                  std::function<void(caf::error)> on_fail) {
  auto job = std::make_shared<detail::load_job>();
  job->ns = std::move(ns);
  job->timeout = timeout;
  job->on_done = std::move(on_done);
  job->on_fail = std::move(on_fail);
  detail::load_page(self, std::move(storage), std::move(job));
}

template <class Self>
void put_record(Self* self, storage_actor storage, const std::string& ns, bytes key,
                bytes value, caf::timespan timeout, std::function<void()> on_durable,
                std::function<void(caf::error)> on_fail) {
  self->request(storage, timeout, kv_put_atom::value, static_cast<uint8_t>(kv_table::kv),
                ns, std::move(key), std::move(value))
      .then([on_durable](bool) { on_durable(); },
            [on_fail](caf::error& err) { on_fail(std::move(err)); });
}

}  // namespace nz::sealed_log
