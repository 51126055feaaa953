#include "actors/operator/kv_commands.hpp"

#include <fmt/format.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/identity/newzone_derivation.hpp"
#include "actors/operator/operator_actor.hpp"
#include "messages/core_errors.hpp"
#include "messages/storage_api.hpp"
#include "runtime/json_writer.hpp"
#include "runtime/supervision/service_call.hpp"

namespace nz {

namespace {

using done_fn = std::function<void(operator_reply)>;

bytes to_bytes(const std::string& s) {
  return bytes(s.begin(), s.end());
}

std::string printable(const bytes& b) {
  std::string out;
  for (auto c : b) {
    if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

operator_reply error_reply(caf::actor_system& sys, const caf::error& err) {
  auto status = operator_status::failed;
  if (err.category() == storage_category
      && err.code() == static_cast<uint8_t>(storage_errc::limit_exceeded))
    status = operator_status::bad_request;
  else if (err.category() == core_category)
    status = operator_status::unavailable;
  return make_reply(status, sys.render(err));
}

const char* usage(bool files) {
  return files ? "usage: file put NS NAME --file F | file get NS NAME [--out F] | "
                 "file del NS NAME | file list NS [PREFIX]"
               : "usage: kv put NS KEY VALUE|--file F | kv get NS KEY [--out F] | "
                 "kv del NS KEY | kv list NS [--prefix P]";
}

}  // namespace

void run_kv_command(operator_actor::pointer self, const command_context& ctx,
                    const operator_request& req, bool files, done_fn done) {
  auto& a = req.args;
  auto table = static_cast<uint8_t>(files ? kv_table::files : kv_table::kv);
  auto on_error = [self, done](caf::error& err) {
    done(error_reply(self->system(), err));
  };
  auto budget = ctx.opts->request_timeout;
  if (a.size() >= 2 && a[1].compare(0, 3, "nz.") == 0) {
    // The node's own logs (trust log, audit log) live there; they change only
    // through their actors so that their chains stay intact.
    done(make_reply(operator_status::forbidden,
                    "namespace '" + a[1] + "' is reserved for the node (prefix 'nz.')"));
    return;
  }
  if (a.size() == 4 && a[0] == "put") {
    call_service<bool>(
        self, ctx.reg, "storage", budget,
        [done, a](bool) {
          json_writer j;
          j.begin_object()
              .field("stored", a[2])
              .field("size", uint64_t{a[3].size()})
              .end_object();
          done(make_reply(operator_status::ok,
                          fmt::format("stored {}/{} ({} bytes)", a[1], a[2], a[3].size()),
                          j.str()));
        },
        on_error, kv_put_atom::value, table, a[1], to_bytes(a[2]), to_bytes(a[3]));
  } else if (a.size() == 3 && a[0] == "get") {
    call_service<bytes>(
        self, ctx.reg, "storage", budget,
        [done, a](bytes& value) {
          json_writer j;
          j.begin_object()
              .field("namespace", a[1])
              .field("key", a[2])
              .field("size", uint64_t{value.size()})
              .field("value_base64", identity::to_base64(value.data(), value.size()))
              .end_object();
          done(make_reply(operator_status::ok, std::string(value.begin(), value.end()),
                          j.str()));
        },
        on_error, kv_get_atom::value, table, a[1], to_bytes(a[2]));
  } else if (a.size() == 3 && a[0] == "del") {
    call_service<bool>(
        self, ctx.reg, "storage", budget,
        [done, a](bool existed) {
          json_writer j;
          j.begin_object().field("deleted", a[2]).field("existed", existed).end_object();
          done(make_reply(
              existed ? operator_status::ok : operator_status::failed,
              existed ? "deleted " + a[1] + "/" + a[2] : "no record " + a[1] + "/" + a[2],
              j.str()));
        },
        on_error, kv_del_atom::value, table, a[1], to_bytes(a[2]));
  } else if ((a.size() == 2 || a.size() == 3) && a[0] == "list") {
    auto prefix = a.size() == 3 ? to_bytes(a[2]) : bytes{};
    call_service<kv_listing>(
        self, ctx.reg, "storage", budget,
        [done](kv_listing& page) {
          json_writer j;
          j.begin_object().key("entries").begin_array();
          std::string text;
          for (size_t i = 0; i < page.keys.size(); ++i) {
            auto key = printable(page.keys[i]);
            j.begin_object().field("key", key).field("size", page.sizes[i]).end_object();
            text += fmt::format("{}\t{}\n", key, page.sizes[i]);
          }
          j.end_array().field("truncated", !page.cursor.empty()).end_object();
          if (!page.cursor.empty())
            text += "(more: the listing stopped at the configured maximum)\n";
          done(make_reply(operator_status::ok, std::move(text), j.str()));
        },
        on_error, kv_list_atom::value, table, a[1], prefix, uint32_t{0}, bytes{});
  } else {
    done(make_reply(operator_status::bad_request, usage(files)));
  }
}

}  // namespace nz
