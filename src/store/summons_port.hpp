// Summonses (migration 0002_summons.sql and the indexes of 0014), as summons/service.hpp keeps
// them. Reached from a transaction as tx.summonses(); used by the thread that owns the
// transaction. Every method fails with IoError when the database does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"
#include "core/summons_number.hpp"
#include "core/time.hpp"

namespace muster {

class SummonsPort {
 public:
  virtual ~SummonsPort() = default;

  // The greatest summons id; 0 when there is none. Ids are assigned by the caller from it
  // inside the same write (writes are serialised).
  virtual Result<int64_t> MaxId() = 0;
  // Stores `summons` with its id. Its person is `person_id`, or when that is 0 the person with
  // its national ID. AlreadyExists when the number is taken or the person already has a
  // summons in its campaign. PostgreSQL sends a campaign's summonses (campaign and person
  // set) as one multi-row INSERT per 2,000: a collision shows at the next statement or at
  // commit, naming (campaign_id, person_id).
  virtual Status Insert(const Summons& summons) = 0;
  // Writes the state, delivered_at, viewed_at, appeared_at, closed_at and close_reason of the
  // summons with its id (nothing when there is none). A summons updated twice in one write
  // keeps the second update.
  virtual Status Update(const Summons& summons) = 0;
  // NotFound when there is no summons with that number (or id).
  virtual Result<Summons> Get(const SummonsNumber& number) = 0;
  virtual Result<Summons> GetById(int64_t id) = 0;
  // The summonses of the person with that national ID, latest issued first (then greatest id
  // first); empty for an unknown person.
  virtual Result<std::vector<Summons>> ListOfPerson(std::string_view national_id) = 0;
  // At most `limit` summonses still issued (not yet delivered), issued at or before
  // `issued_before`, by id.
  virtual Result<std::vector<Summons>> ListUndelivered(Timestamp issued_before, size_t limit) = 0;

  // Overdue at `appear_before`: delivered or viewed, appear_at before `appear_before`, and no
  // appeal pending.
  // The ids of the summonses overdue, ascending (8 bytes each: a million overdue at once take
  // 8 MB).
  virtual Result<std::vector<int64_t>> ListOverdueIds(Timestamp appear_before) = 0;
  // Those of `ids` (ascending) that are overdue, by id.
  virtual Result<std::vector<Summons>> ListOverdue(Timestamp appear_before, std::span<const int64_t> ids) = 0;
  // Marks those of `ids` that are still overdue no_show, closed at `closed_at`, in one statement
  // that checks and changes each (a summons that appeared or was appealed meanwhile is left as
  // it is). Returns their ids, ascending.
  virtual Result<std::vector<int64_t>> CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                                    Timestamp closed_at) = 0;
};

}  // namespace muster
