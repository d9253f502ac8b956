#include "registry/deferment_service.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "store/emit_event.hpp"

namespace muster::registry {

Status DefermentService::CheckScope(Tx& tx, std::string_view national_id, const Actor& actor) const {
  if (actor.is_system()) return Status::Ok();
  auto person = tx.persons().Get(national_id);
  if (!person.ok() && !person.status().IsNotFound()) return person.status();
  if (!person.ok() || !actor.ActsOn(person->national_id, person->district) || actor.role() == Role::kCitizen) {
    return actor.Absent("national_id", "such person");
  }
  return Status::Ok();
}

Result<Deferment> DefermentService::Add(std::string_view national_id, std::string_view kind, CivilDate until,
                                        std::string_view basis, const Actor& actor) {
  if (!policy_.IsDefermentKind(kind)) {
    return Status::InvalidArgument("kind", fmt::format("'{}' is not a deferment kind of the policy ({})", kind,
                                                       fmt::join(policy_.deferment_kinds, ", ")));
  }
  MUSTER_RETURN_IF_ERROR(CheckText("basis", basis, {.max_bytes = 1000}));
  Deferment d;
  d.national_id = std::string(national_id);
  d.kind = std::string(kind);
  d.until = until;
  d.basis = std::string(basis);
  d.created_by = actor.name();
  d.created_at = clock_.Now();
  MUSTER_RETURN_IF_ERROR(writes_.Write([&](Tx& tx) {
    MUSTER_RETURN_IF_ERROR(CheckScope(tx, national_id, actor));
    MUSTER_ASSIGN_OR_RETURN(d.id, tx.deferments().Insert(d));
    return EmitEvent(tx, "deferment.added", d.created_at, actor.name(), national_id,
                     {{"deferment_id", d.id.value},
                      {"national_id", d.national_id},
                      {"kind", d.kind},
                      {"until", FormatCivilDate(d.until)}});
  }));
  return d;
}

Result<Deferment> DefermentService::End(DefermentId id, const Actor& actor) {
  Deferment d;
  Timestamp now = clock_.Now();
  MUSTER_RETURN_IF_ERROR(writes_.Write([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(d, tx.deferments().Get(id));
    MUSTER_RETURN_IF_ERROR(CheckScope(tx, d.national_id, actor));
    MUSTER_RETURN_IF_ERROR(tx.deferments().End(id, now));
    d.ended_at = now;
    return EmitEvent(tx, "deferment.ended", now, actor.name(), d.national_id,
                     {{"deferment_id", id.value}, {"national_id", d.national_id}, {"kind", d.kind}});
  }));
  return d;
}

}  // namespace muster::registry
