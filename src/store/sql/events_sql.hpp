// EventPort over either backend's sql::Connection, one per transaction, but for Append: each
// backend assigns seqs its own way (store/sqlite/sqlite_events.hpp: SQLite's rowid, read back;
// store/postgres/pg_events.hpp: assigned locally, the row pipelined).
#pragma once

#include "store/events_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlEvents : public EventPort {
 public:
  // `conn` must outlive this object.
  explicit SqlEvents(Connection& conn) : conn_(conn) {}

  Result<int64_t> Append(const Event& event) override = 0;
  Result<std::vector<Event>> List(int64_t after_seq, size_t limit) override;
  Result<std::vector<Event>> ListOfTypes(int64_t after_seq, std::span<const std::string_view> types,
                                         size_t limit) override;
  Result<int64_t> LastSeq() override;
  Result<std::vector<Event>> ListAbout(const std::vector<std::string>& subjects, size_t limit) override;
  Result<std::optional<Event>> FindFirst(std::string_view subject, std::string_view type) override;
  Result<int64_t> Cursor(std::string_view name) override;
  Status SetCursor(std::string_view name, int64_t seq, Timestamp at) override;
  Result<std::vector<SubscriberCursor>> Cursors() override;

 protected:
  Connection& conn_;
};

}  // namespace muster::sql
