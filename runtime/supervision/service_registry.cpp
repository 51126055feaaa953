#include "runtime/supervision/service_registry.hpp"

namespace nz {

const char* to_string(service_state x) {
  switch (x) {
    case service_state::starting:
      return "starting";
    case service_state::running:
      return "running";
    case service_state::restarting:
      return "restarting";
    case service_state::stopping:
      return "stopping";
    case service_state::stopped:
      return "stopped";
    case service_state::failed:
      return "failed";
  }
  return "unknown";
}

const char* to_string(node_state x) {
  switch (x) {
    case node_state::starting:
      return "starting";
    case node_state::running:
      return "running";
    case node_state::stopping:
      return "stopping";
    case node_state::down:
      return "down";
  }
  return "unknown";
}

service_entry* service_registry::find(const std::string& name) {
  for (auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

void service_registry::declare(const std::string& name, const std::string& parent,
                               const std::string& kind, const std::string& strategy) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto* e = find(name);
  if (e == nullptr) {
    entries_.emplace_back();
    e = &entries_.back();
    e->name = name;
  }
  e->parent = parent;
  e->kind = kind;
  e->strategy = strategy;
  e->state = service_state::starting;
}

void service_registry::set_running(const std::string& name, caf::actor handle) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* e = find(name)) {
    e->handle = std::move(handle);
    e->state = service_state::running;
  }
}

void service_registry::set_exited(const std::string& name, service_state next,
                                  const std::string& reason, int64_t unix_ms) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* e = find(name)) {
    e->handle = nullptr;
    e->state = next;
    e->last_exit_reason = reason;
    e->last_exit_unix_ms = unix_ms;
  }
}

void service_registry::set_state(const std::string& name, service_state state) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* e = find(name)) e->state = state;
}

void service_registry::add_restart(const std::string& name) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* e = find(name)) ++e->restarts;
}

void service_registry::set_recovery(const std::string& name, const std::string& note) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* e = find(name)) e->last_recovery = note;
}

void service_registry::add_warning(const std::string& text) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (warnings_.size() >= 50) warnings_.erase(warnings_.begin());
  warnings_.push_back(text);
}

std::vector<std::string> service_registry::warnings() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return warnings_;
}

caf::actor service_registry::get(const std::string& name) const {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& e : entries_)
    if (e.name == name) return e.handle;
  return nullptr;
}

std::vector<service_entry> service_registry::entries() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return entries_;
}

}  // namespace nz
