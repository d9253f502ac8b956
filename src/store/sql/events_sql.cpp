// EventPort in SQL that both backends run as written (Append is theirs).
#include "store/sql/events_sql.hpp"

#include <fmt/format.h>

namespace muster::sql {
namespace {

constexpr std::string_view kEventColumns = "seq, type, at, actor, subject, payload";

Event ReadEvent(const Row& r) {
  return Event{r.Int(0), r.Text(1), FromMillis(r.Int(2)), r.Text(3), r.Text(4), r.Text(5)};
}

}  // namespace

Result<std::vector<Event>> SqlEvents::List(int64_t after_seq, size_t limit) {
  return Collect<Event>(conn_,
                        "SELECT seq, type, at, actor, subject, payload FROM events WHERE seq > $1 ORDER BY seq "
                        "LIMIT $2",
                        Args().Add(after_seq).Add(static_cast<int64_t>(limit)), ReadEvent);
}

Result<std::vector<Event>> SqlEvents::ListOfTypes(int64_t after_seq, std::span<const std::string_view> types,
                                                  size_t limit) {
  // The events after a seq are a range of the primary key: no index on type needed.
  std::string list = conn_.EncodeList(types);
  return Collect<Event>(conn_,
                        fmt::format("SELECT {} FROM events WHERE seq > $1 AND type {} ORDER BY seq LIMIT $3",
                                    kEventColumns, conn_.InList(2, ListOf::kText)),
                        Args().Add(after_seq).Add(list).Add(static_cast<int64_t>(limit)), ReadEvent);
}

Result<int64_t> SqlEvents::LastSeq() {
  return One<int64_t>(
      conn_, "SELECT coalesce(max(seq), 0) FROM events", Args(), [](const Row& r) { return r.Int(0); }, "no events");
}

Result<std::vector<Event>> SqlEvents::ListAbout(const std::vector<std::string>& subjects, size_t limit) {
  // Each subject is a range of the index events_by_subject (subject, seq).
  std::string list = conn_.EncodeList(subjects);
  return Collect<Event>(conn_,
                        fmt::format("SELECT * FROM (SELECT {} FROM events WHERE subject {} ORDER BY seq DESC "
                                    "LIMIT $2) AS e ORDER BY seq",
                                    kEventColumns, conn_.InList(1, ListOf::kText)),
                        Args().Add(list).Add(static_cast<int64_t>(limit)), ReadEvent);
}

Result<std::optional<Event>> SqlEvents::FindFirst(std::string_view subject, std::string_view type) {
  std::optional<Event> event;
  MUSTER_RETURN_IF_ERROR(
      conn_
          .Run("SELECT seq, type, at, actor, subject, payload FROM events WHERE subject = $1 AND type = $2 "
               "ORDER BY seq LIMIT 1",
               Args().Add(subject).Add(type),
               [&](const Row& r) {
                 event = ReadEvent(r);
                 return Status::Ok();
               })
          .status());
  return event;
}

Result<int64_t> SqlEvents::Cursor(std::string_view name) {
  int64_t seq = 0;
  MUSTER_RETURN_IF_ERROR(conn_
                             .Run("SELECT seq FROM subscriber_cursors WHERE name = $1", Args().Add(name),
                                  [&](const Row& r) {
                                    seq = r.Int(0);
                                    return Status::Ok();
                                  })
                             .status());
  return seq;
}

Status SqlEvents::SetCursor(std::string_view name, int64_t seq, Timestamp at) {
  return conn_
      .Run(
          "INSERT INTO subscriber_cursors (name, seq, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE "
          "SET seq = excluded.seq, updated_at = excluded.updated_at",
          Args().Add(name).Add(seq).Add(Millis(at)))
      .status();
}

Result<std::vector<SubscriberCursor>> SqlEvents::Cursors() {
  return Collect<SubscriberCursor>(conn_, "SELECT name, seq, updated_at FROM subscriber_cursors ORDER BY name", Args(),
                                   [](const Row& r) {
                                     return SubscriberCursor{r.Text(0), r.Int(1), FromMillis(r.Int(2))};
                                   });
}

}  // namespace muster::sql
