#include "messages/register_types.hpp"

#include <caf/actor_system_config.hpp>

#include "messages/audit_api.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/kv_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/node_api.hpp"
#include "messages/operator_api.hpp"
#include "messages/peer_api.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"

namespace nz {

const char* to_string(shutdown_phase x) {
  switch (x) {
    case shutdown_phase::stop_accepting:
      return "stop_accepting";
    case shutdown_phase::drain:
      return "drain";
    case shutdown_phase::flush:
      return "flush";
    case shutdown_phase::close_storage:
      return "close_storage";
  }
  return "unknown";
}

namespace {

template <class Enum>
caf::actor_system_config::error_renderer renderer(const char* prefix) {
  return [prefix](uint8_t code, caf::atom_value, const caf::message& ctx) {
    std::string out = prefix;
    out += to_string(static_cast<Enum>(code));
    if (!ctx.empty()) {
      out += ' ';
      out += caf::to_string(ctx);
    }
    return out;
  };
}

}  // namespace

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<journal_record>("nz.journal_record");
  cfg.add_message_type<std::vector<journal_record>>("nz.journal_records");
  cfg.add_message_type<load_result>("nz.load_result");
  cfg.add_message_type<node_info_view>("nz.node_info_view");
  cfg.add_message_type<auth_verdict>("nz.auth_verdict");
  cfg.add_message_type<operator_request>("nz.operator_request");
  cfg.add_message_type<operator_reply>("nz.operator_reply");
  cfg.add_message_type<operator_actor>("nz.operator_actor");
  cfg.add_message_type<identity_info>("nz.identity_info");
  cfg.add_message_type<kv_listing>("nz.kv_listing");
  cfg.add_message_type<kv_write>("nz.kv_write");
  cfg.add_message_type<std::vector<kv_write>>("nz.kv_writes");
  cfg.add_message_type<std::vector<std::vector<uint8_t>>>("nz.bytes_list");
  // Byte strings (records between peer links and sessions, bundles).
  cfg.add_message_type<std::vector<uint8_t>>("nz.bytes");
  cfg.add_message_type<peer_info>("nz.peer_info");
  cfg.add_message_type<channel_message>("nz.channel_message");
  cfg.add_message_type<std::vector<channel_message>>("nz.channel_messages");
  cfg.add_message_type<channel_batch>("nz.channel_batch");
  cfg.add_message_type<std::vector<peer_info>>("nz.peer_infos");
  cfg.add_message_type<audit_event>("nz.audit_event");
  cfg.add_message_type<audit_page>("nz.audit_page");
  cfg.add_message_type<trust_assert_request>("nz.trust_assert_request");
  cfg.add_message_type<trust_entry>("nz.trust_entry");
  cfg.add_message_type<std::vector<trust_entry>>("nz.trust_entries");
  cfg.add_message_type<trust_verdict>("nz.trust_verdict");
  cfg.add_message_type<trust_log_report>("nz.trust_log_report");
  cfg.add_message_type<trust_import_report>("nz.trust_import_report");
  cfg.add_error_category(core_category, renderer<core_errc>("nz.core."));
  cfg.add_error_category(storage_category, renderer<storage_errc>("nz.storage."));
  cfg.add_error_category(trust_category, renderer<trust_errc>("nz.trust."));
  cfg.add_error_category(peer_category, renderer<peer_errc>("nz.peer."));
}

}  // namespace nz
