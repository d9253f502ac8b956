// Domain events (core/summons.hpp's Event, table events), in the order they were written.
// Reached from a transaction as tx.events(); used by the thread that owns the transaction.
// Every method fails with IoError when the database does.
//
// Writers are serialised, so a smaller seq never commits later: a reader that has read every
// event up to seq N and reads those after N in a later snapshot misses none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"

namespace muster {

// Where a subscriber to the events (events/subscriber.hpp: CursorSubscriber) has got to.
struct SubscriberCursor {
  std::string name;
  int64_t seq = 0;  // the last event it has handled (or passed over, not being of its types)
  Timestamp updated_at;
  bool operator==(const SubscriberCursor&) const = default;
};

class EventPort {
 public:
  virtual ~EventPort() = default;

  // Appends `event` (its seq is ignored) and returns the seq it was given: one more than the
  // highest written. On PostgreSQL the row is sent with the write's other multi-row INSERTs
  // (postgres::Connection::AddRow): an error may show at a later statement or at commit.
  virtual Result<int64_t> Append(const Event& event) = 0;
  // Up to `limit` events with seq > `after_seq`, by seq.
  virtual Result<std::vector<Event>> List(int64_t after_seq, size_t limit) = 0;
  // Up to `limit` events of one of `types` with seq > `after_seq`, by seq.
  virtual Result<std::vector<Event>> ListOfTypes(int64_t after_seq, std::span<const std::string_view> types,
                                                 size_t limit) = 0;
  // The highest seq written; 0 when none.
  virtual Result<int64_t> LastSeq() = 0;
  // The last `limit` events whose subject is one of `subjects` (a national ID, summons numbers:
  // a person's history), by seq.
  virtual Result<std::vector<Event>> ListAbout(const std::vector<std::string>& subjects, size_t limit) = 0;
  // The first event (lowest seq) of `type` about `subject` (a summons's delivery, for its
  // receipt); nullopt when there is none.
  virtual Result<std::optional<Event>> FindFirst(std::string_view subject, std::string_view type) = 0;

  // The cursor of subscriber `name`: the seq it has handled up to; 0 when it has none yet.
  virtual Result<int64_t> Cursor(std::string_view name) = 0;
  // Moves it to `seq` (made the first time). In the write transaction of what the subscriber
  // wrote for the events up to `seq`, so that both commit or neither does.
  virtual Status SetCursor(std::string_view name, int64_t seq, Timestamp at) = 0;
  // Every subscriber's cursor, by name.
  virtual Result<std::vector<SubscriberCursor>> Cursors() = 0;
};

}  // namespace muster
