// Ids of records as types of their own, so that an appeal's id cannot be passed where a
// campaign's is expected: `AppealId{7}`, `id.value`. The database stores the value.
#pragma once

#include <fmt/format.h>

#include <compare>
#include <cstdint>

namespace muster {

template <typename Tag>
struct Id {
  int64_t value = 0;

  constexpr Id() = default;
  constexpr explicit Id(int64_t v) : value(v) {}
  friend constexpr auto operator<=>(Id, Id) = default;
};

// JSON (nlohmann, found by argument-dependent lookup): the number.
template <typename Json, typename Tag>
void to_json(Json& j, Id<Tag> id) {
  j = id.value;
}

// The number of an id, typed or not: for code that pages over records of any kind.
constexpr int64_t IdValue(int64_t id) { return id; }
template <typename Tag>
constexpr int64_t IdValue(Id<Tag> id) {
  return id.value;
}

using AppealId = Id<struct AppealTag>;
using CampaignId = Id<struct CampaignTag>;
using DefermentId = Id<struct DefermentTag>;
using OverrideId = Id<struct OverrideTag>;

}  // namespace muster

// Formats as the number: fmt::format("appeal {}", id).
template <typename Tag>
struct fmt::formatter<muster::Id<Tag>> : fmt::formatter<int64_t> {
  auto format(muster::Id<Tag> id, fmt::format_context& ctx) const { return fmt::formatter<int64_t>::format(id.value, ctx); }
};
