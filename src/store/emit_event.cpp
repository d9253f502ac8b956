#include "store/emit_event.hpp"

#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace muster {

Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 const nlohmann::json& payload) {
  // Every string has passed CheckText at the service's entry; should one not have, it is
  // replaced (U+FFFD) rather than ending the process.
  return EmitEvent(tx, type, at, actor, subject,
                   payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 std::string payload) {
  // Who performs a change: "officer:olga", "cli:root", "system:sweep"; from --as on the command line.
  MUSTER_RETURN_IF_ERROR(CheckText("actor", actor, {.max_bytes = 200}));
  Event e{0, std::string(type), at, std::string(actor), std::string(subject), std::move(payload)};
  return tx.events().Append(e).status();
}

}  // namespace muster
