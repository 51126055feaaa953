// Finding a peer by its node id or a prefix of it (what `nzctl send 0123abcd
// ...` and the channel API accept): the one key of an ordered map that is `who`
// or starts with it.
//
// Contracts:
// - `who` shorter than min_prefix never matches (a short prefix would too
//   easily name the wrong peer);
// - several keys starting with `who` is `ambiguous`, not the first of them;
// - O(log n + 2): the keys that start with `who` are contiguous from
//   lower_bound(who) in an ordered map, and at most two are looked at. The
//   manager looks a peer up for every message it forwards.
//
// Thread rules: pure function.
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace nz::peer {

/// The shortest node id prefix a lookup accepts.
inline constexpr size_t min_node_id_prefix = 8;

enum class lookup_status { found, none, ambiguous };

template <class T>
struct lookup_result {
  lookup_status status = lookup_status::none;
  const T* value = nullptr;  ///< set when found
};

template <class T>
lookup_result<T> find_by_prefix(const std::map<std::string, T>& m, const std::string& who,
                                size_t min_prefix = min_node_id_prefix) {
  lookup_result<T> r;
  if (who.size() < min_prefix) return r;
  auto i = m.lower_bound(who);
  if (i == m.end() || i->first.compare(0, who.size(), who) != 0) return r;
  r.value = &i->second;
  r.status = lookup_status::found;
  if (++i != m.end() && i->first.compare(0, who.size(), who) == 0) {
    r.status = lookup_status::ambiguous;
    r.value = nullptr;
  }
  return r;
}

}  // namespace nz::peer
