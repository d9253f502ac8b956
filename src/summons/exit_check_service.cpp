#include "summons/exit_check_service.hpp"

#include <absl/container/flat_hash_set.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <random>
#include <utility>
#include <vector>

namespace muster {

using nlohmann::json;

ExitCheckService::ExitCheckService(Store& store, const Policy& policy, const Clock& clock)
    : store_(store), policy_(policy), clock_(clock), check_nonce_(std::random_device{}() & 0xffff), check_counter_(0) {
  kinds_.emplace_back(kExitBan);
  for (const RestrictionRule& rule : policy_.restrictions) {
    // A record keeps its kind's slot in a byte; no policy names anywhere near 256 kinds.
    if (SlotOf(rule.kind) == kinds_.size() && kinds_.size() < 256) kinds_.push_back(rule.kind);
  }
  for (size_t i = 0; i < kinds_.size(); ++i) indexes_.push_back(std::make_unique<ExitBanIndex>());
}

size_t ExitCheckService::SlotOf(std::string_view kind) const {
  return static_cast<size_t>(std::find(kinds_.begin(), kinds_.end(), kind) - kinds_.begin());
}

Status ExitCheckService::LoadExitBans() {
  absl::MutexLock lock(&feed_mu_);
  exit_bans_loaded_ = false;
  MUSTER_RETURN_IF_ERROR(ReloadExitBans(/*from_replica=*/true));
  exit_bans_loaded_ = true;
  return Status::Ok();
}

Status ExitCheckService::ReloadExitBans(bool from_replica) {
  // One snapshot: the bans in force and the last event they include, built aside and swapped
  // in whole, so that exit checks meanwhile answer from the previous index.
  std::vector<ExitBanIndex> fresh(kinds_.size());
  int64_t seq = 0;
  auto read = [&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(seq, tx.events().LastSeq());
    for (size_t slot = 0; slot < kinds_.size(); ++slot) {
      MUSTER_RETURN_IF_ERROR(tx.restrictions().ForEachActive(
          kinds_[slot], [&](const Restriction& r) { fresh[slot].Add(r.national_id, r.id, r.effective_at); }));
    }
    return Status::Ok();
  };
  MUSTER_RETURN_IF_ERROR(from_replica ? store_.ReadReplica(read) : store_.Read(read));
  for (size_t slot = 0; slot < kinds_.size(); ++slot) indexes_[slot]->Swap(fresh[slot]);
  exit_bans_seq_ = seq;
  return Status::Ok();
}

int64_t ExitCheckService::exit_bans_seq() const {
  absl::MutexLock lock(&feed_mu_);
  return exit_bans_seq_;
}

bool ExitCheckService::exit_bans_loaded() const {
  absl::MutexLock lock(&feed_mu_);
  return exit_bans_loaded_;
}

Result<std::optional<ExitCheckService::IndexChange>> ExitCheckService::ExitBanChangeOf(const Event& event) const {
  // The payloads Impose and LiftAll write; a lift needs no effective_at.
  const bool banned = event.type == "restriction.imposed";
  auto bad = [&](std::string_view what) {
    return Status::Internal(fmt::format("event {} ({}): {}", event.seq, event.type, what));
  };
  json payload = json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return bad("the payload is not a JSON object");
  auto text = [&](const char* key) -> const std::string* {
    auto it = payload.find(key);
    return it != payload.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  const std::string* kind = text("kind");
  if (kind == nullptr) return bad("no kind");
  const size_t slot = SlotOf(*kind);
  if (slot == kinds_.size()) return std::optional<IndexChange>();
  const std::string* national_id = text("national_id");
  auto id = payload.find("restriction_id");
  if (national_id == nullptr || id == payload.end() || !id->is_number_integer()) {
    return bad("no national_id or restriction_id");
  }
  IndexChange change{slot, *national_id, id->get<int64_t>(), banned, Timestamp{}};
  if (banned) {
    const std::string* effective_at = text("effective_at");
    if (effective_at == nullptr) return bad("no effective_at");
    auto at = ParseTimestamp(*effective_at);
    if (!at.ok()) return bad("effective_at: " + std::string(at.status().message()));
    change.effective_at = *at;
  }
  return std::optional<IndexChange>(std::move(change));
}

Status ExitCheckService::FollowExitBans(bool from_replica) {
  constexpr size_t kPage = 10000;
  static constexpr std::string_view kTypes[] = {"restriction.imposed", "restriction.lifted"};
  if (!exit_bans_loaded()) return Status::FailedPrecondition("the exit-ban index is not loaded (LoadExitBans)");
  while (true) {
    int64_t after = exit_bans_seq();
    int64_t last = 0;  // the last event of the snapshot read
    std::vector<Event> events;
    auto read = [&](Tx& tx) {
      MUSTER_ASSIGN_OR_RETURN(last, tx.events().LastSeq());
      MUSTER_ASSIGN_OR_RETURN(events, tx.events().ListOfTypes(after, kTypes, kPage));
      return Status::Ok();
    };
    MUSTER_RETURN_IF_ERROR(from_replica ? store_.ReadReplica(read) : store_.Read(read));
    // Every event of the snapshot up to `through` has been looked at: all of them, unless a page
    // was full.
    const int64_t through = events.size() < kPage ? last : events.back().seq;
    std::vector<std::pair<int64_t, IndexChange>> changes;
    for (const Event& e : events) {
      MUSTER_ASSIGN_OR_RETURN(std::optional<IndexChange> change, ExitBanChangeOf(e));
      if (change) changes.emplace_back(e.seq, std::move(*change));
    }
    {
      // Another caller may have applied some of these meanwhile: skip what it did.
      absl::MutexLock lock(&feed_mu_);
      for (const auto& [seq, c] : changes) {
        if (seq <= exit_bans_seq_) continue;
        if (c.banned) {
          indexes_[c.slot]->Add(c.national_id, c.restriction_id, c.effective_at);
        } else {
          indexes_[c.slot]->Remove(c.national_id, c.restriction_id);
        }
      }
      exit_bans_seq_ = std::max(exit_bans_seq_, through);
    }
    if (events.size() < kPage) return Status::Ok();
  }
}

int64_t ExitCheckService::ForEachExitBan(const std::function<void(std::string_view, Timestamp)>& fn) const {
  absl::MutexLock lock(&feed_mu_);  // no change is applied meanwhile
  indexes_.front()->ForEach(fn);
  return exit_bans_seq_;
}

Result<std::vector<std::string>> ExitCheckService::ExitBansChanged(int64_t after, int64_t through, size_t limit) const {
  constexpr size_t kPage = 10000;
  static constexpr std::string_view kTypes[] = {"restriction.imposed", "restriction.lifted"};
  const int64_t since = after;
  absl::flat_hash_set<std::string> seen;
  std::vector<std::string> changed;
  while (after < through) {
    std::vector<Event> events;
    MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
      MUSTER_ASSIGN_OR_RETURN(events, tx.events().ListOfTypes(after, kTypes, kPage));
      return Status::Ok();
    }));
    for (const Event& e : events) {
      if (e.seq > through) return changed;
      MUSTER_ASSIGN_OR_RETURN(std::optional<IndexChange> change, ExitBanChangeOf(e));
      if (change && change->slot == 0 && seen.insert(change->national_id).second) {
        if (changed.size() == limit) {
          return Status::FailedPrecondition(
              "since", fmt::format("more than {} persons' exit bans changed since event {}: fetch the whole list",
                                   limit, since));
        }
        changed.push_back(change->national_id);
      }
    }
    if (events.size() < kPage) break;
    after = events.back().seq;
  }
  return changed;
}

Result<ExitCheckAnswer> ExitCheckService::ExitCheck(std::string_view national_id, std::string_view asked_by) {
  return Check(0, national_id, asked_by);
}

Result<ExitCheckAnswer> ExitCheckService::RestrictionCheck(std::string_view kind, std::string_view national_id,
                                                           std::string_view asked_by) {
  const size_t slot = SlotOf(kind);
  if (slot == kinds_.size()) {
    return Status::NotFound("kind", fmt::format("'{}' is not a restriction kind of the policy", kind));
  }
  return Check(slot, national_id, asked_by);
}

Result<ExitCheckAnswer> ExitCheckService::Check(size_t slot, std::string_view national_id, std::string_view asked_by) {
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(national_id).WithField("national_id"));
  Timestamp now = clock_.Now();
  ExitCheckAnswer answer;
  answer.allow = !indexes_[slot]->Barred(national_id, now);
  uint64_t n = check_counter_.fetch_add(1, std::memory_order_relaxed);
  FormatReference(answer, now, n);
  check_records_.Append(
      {std::string(national_id), answer.allow, static_cast<uint8_t>(slot), std::string(asked_by), now, n});
  return answer;
}

namespace {

// `value` in upper-case hex, zero-padded to `width` digits (more when it needs more).
char* PutHex(char* out, char* end, uint64_t value, int width) {
  char digits[16];
  auto [last, ec] = std::to_chars(digits, digits + sizeof digits, value, 16);
  for (int pad = width - static_cast<int>(last - digits); pad > 0 && out < end; --pad) *out++ = '0';
  // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): to_chars wrote [digits, last)
  for (const char* d = digits; d < last && out < end; ++d) *out++ = (*d >= 'a') ? static_cast<char>(*d - 32) : *d;
  return out;
}

}  // namespace

void ExitCheckService::FormatReference(ExitCheckAnswer& answer, Timestamp at, uint64_t counter) const {
  // "X", the time in milliseconds (11 hex digits until 2527), this process's random 16-bit nonce
  // and its check counter: unique within the process, and across processes unless two draw the
  // same nonce and reach the same count in the same millisecond. At most 1 + 11 + 4 + 16 = 32.
  char* out = answer.reference_text.data();
  char* end = out + answer.reference_text.size();
  *out++ = 'X';
  out = PutHex(out, end, static_cast<uint64_t>(at.time_since_epoch().count()), 11);
  out = PutHex(out, end, check_nonce_, 4);
  out = PutHex(out, end, counter, 1);
  answer.reference_size = static_cast<uint8_t>(out - answer.reference_text.data());
}

Status ExitCheckService::FlushExitChecks() {
  return check_records_.Flush([this](std::span<const ExitCheckRecord> batch) {
    return store_.Write([&](Tx& tx) {
      ExitCheckAnswer reference;
      for (const ExitCheckRecord& r : batch) {
        FormatReference(reference, r.at, r.counter);
        MUSTER_RETURN_IF_ERROR(tx.restrictions().InsertExitCheck(reference.reference(), kinds_[r.kind], r.national_id,
                                                                 r.allow ? "allow" : "deny", r.asked_by, r.at));
      }
      return Status::Ok();
    });
  });
}

}  // namespace muster
