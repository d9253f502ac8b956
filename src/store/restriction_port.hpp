// Restrictions imposed for not appearing, and the exit checks asked about them (migrations
// 0002_summons.sql, 0013), as summons/service.hpp keeps them. Reached from a transaction as
// tx.restrictions(); used by the thread that owns the transaction. Every method fails with
// IoError when the database does.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"

namespace muster {

class RestrictionPort {
 public:
  virtual ~RestrictionPort() = default;

  // Stores its summons, kind, times and lifting (its person and national ID are its summons');
  // returns the new id, one more than the greatest (ids follow one another in a write).
  // PostgreSQL sends the rows as one multi-row INSERT per 2,000: errors may show at the next
  // statement or at commit.
  virtual Result<int64_t> Insert(const Restriction& restriction) = 0;
  // Writes lifted_at and lift_reason of the restriction with its id.
  virtual Status Update(const Restriction& restriction) = 0;
  // The restrictions of one summons, or of every summons of the person with that national ID,
  // by id; each with its summons' number and its person.
  virtual Result<std::vector<Restriction>> ListOfSummons(int64_t summons_id) = 0;
  virtual Result<std::vector<Restriction>> ListOfPerson(std::string_view national_id) = 0;
  // Calls `fn` for every restriction of `kind` not lifted, in no particular order.
  virtual Status ForEachActive(std::string_view kind, const std::function<void(const Restriction&)>& fn) = 0;

  // Records a restriction check asked (of `kind`: "exit_ban" for the border's exit check). A
  // reference recorded already is left as it is (a batch written again after a lost COMMIT
  // answer). PostgreSQL sends the rows as one multi-row INSERT per 2,000: errors may show at the
  // next statement or at commit.
  virtual Status InsertExitCheck(std::string_view reference, std::string_view kind, std::string_view national_id,
                                 std::string_view decision, std::string_view asked_by, Timestamp asked_at) = 0;
  // Wakes the servers that follow the exit bans (ExitCheckService::FollowExitBans) when this write
  // commits, so that they read the bans it imposes or lifts before their next poll: NOTIFY on
  // PostgreSQL (once per write); nothing on SQLite, whose servers poll.
  virtual Status NotifyExitBanChange() = 0;
};

}  // namespace muster
