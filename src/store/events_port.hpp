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

namespace muster {

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
};

}  // namespace muster
