// The one implementation of NotificationPort, over either backend's sql::Connection.
#pragma once

#include "store/notification_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlNotifications final : public NotificationPort {
 public:
  // `conn` must outlive this object.
  explicit SqlNotifications(Connection& conn) : conn_(conn) {}

  Result<int64_t> Queue(const Notification& n) override;
  Result<std::vector<Notification>> Claim(const NotificationClaim& claim) override;
  Status Finish(int64_t id, std::string_view owner, const NotificationOutcome& outcome) override;
  Status Report(int64_t id, const NotificationOutcome& outcome) override;
  Result<Notification> Get(int64_t id) override;
  Result<std::vector<Notification>> List(const NotificationFilter& filter) override;
  Result<std::vector<NotificationAttempt>> Attempts(int64_t id) override;
  Result<std::vector<std::pair<NotificationStatus, int64_t>>> CountByStatus() override;
  Result<std::vector<Escalation>> ListUnopened(Timestamp stepped_before, int64_t after_summons_id,
                                               size_t limit) override;
  Status SetEscalation(const Escalation& e) override;
  Result<std::vector<Escalation>> ListUnreachable(const std::optional<std::string>& office, int64_t after_summons_id,
                                                  size_t limit) override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql
