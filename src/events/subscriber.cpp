#include "events/subscriber.hpp"

namespace muster::events {

CursorSubscriber::CursorSubscriber(WritePath& writes, const Clock& clock, Options options)
    : writes_(writes), clock_(clock), options_(std::move(options)) {
  type_views_.assign(options_.types.begin(), options_.types.end());
}

uint64_t CursorSubscriber::handled() const {
  absl::MutexLock lock(&mu_);
  return handled_;
}

Status CursorSubscriber::Round() {
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool more, Batch());
    if (!more) return Status::Ok();
  }
}

Status CursorSubscriber::Next(Tx& tx, int64_t cursor, std::vector<Event>& events, int64_t& looked_to) const {
  if (type_views_.empty()) {
    MUSTER_ASSIGN_OR_RETURN(events, tx.events().List(cursor, options_.batch));
  } else {
    MUSTER_ASSIGN_OR_RETURN(events, tx.events().ListOfTypes(cursor, type_views_, options_.batch));
  }
  if (events.size() == options_.batch) {
    looked_to = events.back().seq;
  } else {
    // Fewer than a batch: none of our types up to the last event written. Writes are
    // serialised, so in a write transaction no event below it can still commit.
    MUSTER_ASSIGN_OR_RETURN(looked_to, tx.events().LastSeq());
  }
  return Status::Ok();
}

Result<bool> CursorSubscriber::Batch() {
  // Looked at first in a read, so that a round with nothing new does not take the write lock.
  bool anything = false;
  MUSTER_RETURN_IF_ERROR(writes_.store().Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t cursor, tx.events().Cursor(options_.name));
    std::vector<Event> events;
    int64_t looked_to = cursor;
    MUSTER_RETURN_IF_ERROR(Next(tx, cursor, events, looked_to));
    anything = !events.empty() || looked_to > cursor;
    return Status::Ok();
  }));
  if (!anything) return false;
  bool more = false;
  size_t handled = 0;
  MUSTER_RETURN_IF_ERROR(writes_.Write([&](Tx& tx) -> Status {
    // Read again under the write lock: another server may have moved the cursor meanwhile.
    MUSTER_ASSIGN_OR_RETURN(int64_t cursor, tx.events().Cursor(options_.name));
    std::vector<Event> events;
    int64_t looked_to = cursor;
    MUSTER_RETURN_IF_ERROR(Next(tx, cursor, events, looked_to));
    more = events.size() == options_.batch;
    handled = events.size();
    if (!events.empty()) MUSTER_RETURN_IF_ERROR(Handle(tx, events).WithContext(options_.name));
    if (looked_to == cursor) return Status::Ok();
    return tx.events().SetCursor(options_.name, looked_to, clock_.Now());
  }));
  absl::MutexLock lock(&mu_);
  handled_ += handled;
  return more;
}

}  // namespace muster::events
