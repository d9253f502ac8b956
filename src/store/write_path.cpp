#include "store/write_path.hpp"

namespace muster {

Status WritePath::Write(const std::function<Status(Tx&, Effects&)>& work, Kind kind, Effects& effects) {
  const bool followed = kind == Kind::kBulk && hooks_.bulk_after_commit;
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) {
    effects = {};
    MUSTER_RETURN_IF_ERROR(work(tx, effects));
    if (effects.exit_bans_changed) MUSTER_RETURN_IF_ERROR(tx.restrictions().NotifyExitBanChange());
    return hooks_.before_commit && !followed ? hooks_.before_commit(tx) : Status::Ok();
  }));
  if (followed) hooks_.bulk_after_commit();
  return Status::Ok();
}

Status WritePath::Write(const std::function<Status(Tx&)>& work, Kind kind) {
  Effects effects;
  return Write([&](Tx& tx, Effects&) { return work(tx); }, kind, effects);
}

}  // namespace muster
