// NotificationPort in SQL that both backends run as written.
#include "store/sql/notification_sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>

namespace muster::sql {
namespace {

constexpr std::string_view kColumns =
    "id, event_seq, summons_number, person_id, channel, template, template_version, lang, address, params, status, "
    "attempts, next_attempt_at, lease_until, lease_owner, message_id, reason, created_at, updated_at";

// The statuses a dispatcher may claim (the partial index notifications_due).
constexpr std::string_view kDue = "status IN ('queued', 'sending', 'temporary-failure')";

Notification ReadNotification(const Row& r) {
  Notification n;
  n.id = r.Int(0);
  n.event_seq = r.Int(1);
  n.summons_number = r.Text(2);
  n.person_id = r.Int(3);
  n.channel = ParseNotificationChannel(r.View(4)).value_or(NotificationChannel::kEmail);
  n.templ = r.Text(5);
  n.template_version = static_cast<int>(r.Int(6));
  n.lang = r.Text(7);
  n.address = r.Text(8);
  n.params = r.Text(9);
  n.status = ParseNotificationStatus(r.View(10)).value_or(NotificationStatus::kQueued);
  n.attempts = static_cast<int>(r.Int(11));
  n.next_attempt_at = FromMillis(r.Int(12));
  n.lease_until = OptTime(r, 13);
  n.lease_owner = r.Text(14);
  n.message_id = r.Text(15);
  n.reason = r.Text(16);
  n.created_at = FromMillis(r.Int(17));
  n.updated_at = FromMillis(r.Int(18));
  return n;
}

Escalation ReadEscalation(const Row& r) {
  return Escalation{.summons_id = r.Int(0),
                    .summons_number = r.Text(1),
                    .office = r.Text(2),
                    .person_id = r.Int(3),
                    .step = r.Text(4),
                    .stepped_at = FromMillis(r.Int(5)),
                    .unreachable_at = OptTime(r, 6)};
}

int64_t Limit(size_t limit) { return limit ? static_cast<int64_t>(limit) : std::numeric_limits<int64_t>::max(); }

}  // namespace

Result<int64_t> SqlNotifications::Queue(const Notification& n) {
  Args args;
  args.Add(n.event_seq).Add(n.summons_number).Add(n.person_id).Add(NotificationChannelName(n.channel));
  args.Add(n.templ).Add(n.template_version).Add(n.lang).Add(n.address).Add(n.params);
  args.Add(Millis(n.next_attempt_at)).Add(n.message_id).Add(Millis(n.created_at));
  return One<int64_t>(
      conn_,
      "INSERT INTO notifications (event_seq, summons_number, person_id, channel, template, template_version, lang, "
      "address, params, status, attempts, next_attempt_at, message_id, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $11, $12, $12) RETURNING id",
      args, [](const Row& r) { return r.Int(0); }, "no id returned");
}

Result<std::vector<Notification>> SqlNotifications::Claim(const NotificationClaim& c) {
  // A channel at a time: each is a range of the partial index notifications_due, read in order
  // up to the limit, with no sort. SQLite is told the index (it would take the one by status and
  // sort every message waiting).
  const std::string sql = fmt::format(
      "UPDATE notifications SET status = 'sending', lease_owner = $4, lease_until = $5, next_attempt_at = $5, "
      "updated_at = $1 WHERE id IN (SELECT id FROM notifications {} WHERE {} AND channel = $2 AND "
      "next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $3) RETURNING {}",
      conn_.dialect() == Dialect::kSqlite ? "INDEXED BY notifications_due" : "", kDue, kColumns);
  const int64_t until = Millis(c.now + c.lease);
  std::vector<Notification> claimed;
  for (NotificationChannel channel : c.channels) {
    if (claimed.size() >= c.limit) break;
    Args args;
    args.Add(Millis(c.now)).Add(NotificationChannelName(channel));
    args.Add(static_cast<int64_t>(c.limit - claimed.size())).Add(c.owner).Add(until);
    MUSTER_ASSIGN_OR_RETURN(auto some, Collect<Notification>(conn_, sql, args, ReadNotification));
    claimed.insert(claimed.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
  }
  std::sort(claimed.begin(), claimed.end(), [](const Notification& a, const Notification& b) { return a.id < b.id; });
  return claimed;
}

Status SqlNotifications::Finish(int64_t id, std::string_view owner, const NotificationOutcome& o) {
  const Timestamp next = o.next_attempt_at.value_or(o.at);
  Args args;
  args.Add(id).Add(owner).Add(NotificationStatusName(o.status)).Add(o.reason).Add(Millis(next)).Add(Millis(o.at));
  MUSTER_ASSIGN_OR_RETURN(
      int64_t changed,
      conn_.Run("UPDATE notifications SET status = $3, reason = $4, attempts = attempts + 1, next_attempt_at = $5, "
                "lease_until = NULL, lease_owner = '', updated_at = $6 "
                "WHERE id = $1 AND status = 'sending' AND lease_owner = $2",
                args));
  if (changed == 0) {
    return Status::FailedPrecondition(fmt::format("notification {} is not held by {}", id, owner));
  }
  Args attempt;
  attempt.Add(id).Add(Millis(o.at)).Add(NotificationStatusName(o.status)).Add(o.answer);
  return conn_
      .Run("INSERT INTO notification_attempts (notification_id, at, outcome, answer) VALUES ($1, $2, $3, $4)", attempt)
      .status();
}

Status SqlNotifications::Report(int64_t id, const NotificationOutcome& o) {
  const std::string_view status = NotificationStatusName(o.status);
  Args args;
  args.Add(id).Add(status).Add(o.reason).Add(Millis(o.next_attempt_at.value_or(o.at))).Add(Millis(o.at));
  MUSTER_ASSIGN_OR_RETURN(
      int64_t changed,
      conn_.Run("UPDATE notifications SET status = $2, reason = $3, next_attempt_at = $4, lease_until = NULL, "
                "lease_owner = '', updated_at = $5 "
                "WHERE id = $1 AND status NOT IN ('delivered', 'permanent-failure')",
                args));
  if (changed == 0) {
    MUSTER_ASSIGN_OR_RETURN(Notification n, Get(id));
    if (n.status == o.status) return Status::Ok();  // told again what it is already
    return Status::FailedPrecondition(
        fmt::format("notification {} is {} already", id, NotificationStatusName(n.status)));
  }
  Args attempt;
  attempt.Add(id).Add(Millis(o.at)).Add(status).Add(o.answer);
  return conn_
      .Run("INSERT INTO notification_attempts (notification_id, at, outcome, answer) VALUES ($1, $2, $3, $4)", attempt)
      .status();
}

Result<Notification> SqlNotifications::Get(int64_t id) {
  static const std::string kSql = fmt::format("SELECT {} FROM notifications WHERE id = $1", kColumns);
  return One<Notification>(conn_, kSql, Args().Add(id), ReadNotification, fmt::format("no notification {}", id));
}

Result<std::vector<Notification>> SqlNotifications::List(const NotificationFilter& f) {
  static const std::string kSql = fmt::format(
      "SELECT {} FROM notifications WHERE (CAST($1 AS TEXT) IS NULL OR summons_number = CAST($1 AS TEXT)) AND "
      "(CAST($2 AS TEXT) IS NULL OR status = CAST($2 AS TEXT)) AND (CAST($3 AS BIGINT) IS NULL OR person_id = "
      "CAST($3 AS BIGINT)) AND id > $4 ORDER BY id LIMIT $5",
      kColumns);
  Args args;
  if (f.summons_number) {
    args.Add(*f.summons_number);
  } else {
    args.Null();
  }
  if (f.status) {
    args.Add(NotificationStatusName(*f.status));
  } else {
    args.Null();
  }
  args.Add(f.person_id).Add(f.after_id).Add(Limit(f.limit));
  return Collect<Notification>(conn_, kSql, args, ReadNotification);
}

Result<std::vector<NotificationAttempt>> SqlNotifications::Attempts(int64_t id) {
  return Collect<NotificationAttempt>(
      conn_,
      "SELECT notification_id, at, outcome, answer FROM notification_attempts WHERE notification_id = $1 ORDER BY id",
      Args().Add(id), [](const Row& r) {
        return NotificationAttempt{r.Int(0), FromMillis(r.Int(1)),
                                   ParseNotificationStatus(r.View(2)).value_or(NotificationStatus::kDelivered),
                                   r.Text(3)};
      });
}

Result<std::vector<std::pair<NotificationStatus, int64_t>>> SqlNotifications::CountByStatus() {
  std::vector<std::pair<NotificationStatus, int64_t>> out;
  MUSTER_RETURN_IF_ERROR(conn_
                             .Run("SELECT status, count(*) FROM notifications GROUP BY status ORDER BY status", Args(),
                                  [&](const Row& r) {
                                    if (auto s = ParseNotificationStatus(r.View(0))) out.emplace_back(*s, r.Int(1));
                                    return Status::Ok();
                                  })
                             .status());
  return out;
}

Result<std::vector<Escalation>> SqlNotifications::ListUnopened(Timestamp stepped_before, int64_t after_summons_id,
                                                               size_t limit) {
  // Along the index of the summonses due to appear (summonses_due, whose WHERE clause is repeated
  // word for word), in id order.
  Args args;
  args.Add(Millis(stepped_before)).Add(after_summons_id).Add(Limit(limit));
  return Collect<Escalation>(
      conn_,
      "SELECT s.id, s.number, s.office, s.person_id, COALESCE(e.step, ''), COALESCE(e.stepped_at, s.delivered_at), "
      "e.unreachable_at FROM summonses s LEFT JOIN escalations e ON e.summons_id = s.id "
      "WHERE s.state IN ('delivered', 'viewed') AND s.state = 'delivered' AND s.viewed_at IS NULL AND s.id > $2 "
      "AND e.unreachable_at IS NULL AND COALESCE(e.stepped_at, s.delivered_at) <= $1 ORDER BY s.id LIMIT $3",
      args, ReadEscalation);
}

Status SqlNotifications::SetEscalation(const Escalation& e) {
  Args args;
  args.Add(e.summons_id).Add(e.summons_number).Add(e.office).Add(e.person_id).Add(e.step).Add(Millis(e.stepped_at));
  args.Add(OptMillis(e.unreachable_at));
  return conn_
      .Run(
          "INSERT INTO escalations (summons_id, summons_number, office, person_id, step, stepped_at, unreachable_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (summons_id) DO UPDATE SET step = excluded.step, "
          "stepped_at = excluded.stepped_at, unreachable_at = excluded.unreachable_at",
          args)
      .status();
}

Result<std::vector<Escalation>> SqlNotifications::ListUnreachable(const std::optional<std::string>& office,
                                                                  int64_t after_summons_id, size_t limit) {
  Args args;
  if (office) {
    args.Add(*office);
  } else {
    args.Null();
  }
  args.Add(after_summons_id).Add(Limit(limit));
  return Collect<Escalation>(
      conn_,
      "SELECT summons_id, summons_number, office, person_id, step, stepped_at, unreachable_at FROM escalations "
      "WHERE unreachable_at IS NOT NULL AND (CAST($1 AS TEXT) IS NULL OR office = CAST($1 AS TEXT)) AND "
      "summons_id > $2 ORDER BY summons_id LIMIT $3",
      args, ReadEscalation);
}

}  // namespace muster::sql
