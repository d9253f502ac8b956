#include "summons/campaign.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "summons/eligibility.hpp"

namespace muster {
namespace {

bool Has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

Status ValidateCampaign(Campaign& c, const Policy& policy, const std::vector<Office>& offices, CivilDate today) {
  auto range = policy.age.find(c.kind);
  if (range == policy.age.end()) {
    return Status::InvalidArgument("kind", fmt::format("'{}' is not one of {}", c.kind, policy.CampaignKinds()));
  }
  MUSTER_RETURN_IF_ERROR(CheckText("name", c.name, {.max_bytes = 200}));
  if (c.basis.empty()) return Status::InvalidArgument("basis", "name the order or decree the campaign rests on");
  MUSTER_RETURN_IF_ERROR(CheckText("basis", c.basis, {.max_bytes = 1000}));
  MUSTER_RETURN_IF_ERROR(CheckText("purpose", c.purpose, {.max_bytes = 500, .required = false}));
  MUSTER_RETURN_IF_ERROR(CheckText("place", c.place, {.max_bytes = 500, .required = false}));
  if (c.districts.empty()) return Status::InvalidArgument("districts", "name at least one office code");
  for (const auto& d : c.districts) {
    if (std::none_of(offices.begin(), offices.end(), [&](const Office& o) { return o.code == d; })) {
      return Status::InvalidArgument("districts", fmt::format("'{}' is not a known office code", d));
    }
  }
  if (c.age_min == 0 && c.age_max == 0) {
    c.age_min = range->second.min;
    c.age_max = range->second.max;
  }
  if (c.age_min < 0 || c.age_max < c.age_min) return Status::InvalidArgument("age", "expected MIN-MAX with MIN <= MAX");
  if (c.categories.empty()) c.categories = {"conscript", "reservist"};
  for (const auto& cat : c.categories) {
    if (cat != "conscript" && cat != "reservist") {
      return Status::InvalidArgument("categories", fmt::format("'{}' is not conscript or reservist", cat));
    }
  }
  if (c.fitness.empty()) c.fitness = policy.fitness_eligible;
  for (const auto& f : c.fitness) {
    if (!policy.IsFitnessCategory(f)) {
      return Status::InvalidArgument("fitness", fmt::format("'{}' is not a fitness category of the policy", f));
    }
  }
  if (c.quota < 0) return Status::InvalidArgument("quota", "must not be negative (0 means no limit)");
  if (!c.appear_from.ok() || !c.appear_until.ok()) return Status::InvalidArgument("appear_from/appear_until: required");
  if (c.appear_until < c.appear_from) return Status::InvalidArgument("appear_until", "is before appear_from");
  if (c.appear_from <= today) return Status::InvalidArgument("appear_from", "must be after today");
  if (DaysBetween(c.appear_from, c.appear_until) > 366) {
    return Status::InvalidArgument("appear_until", "the window may span at most 366 days");
  }
  if (c.purpose.empty()) c.purpose = c.name;
  return Status::Ok();
}

CampaignPlanner::CampaignPlanner(const Campaign& campaign, const Policy& policy, const std::vector<Office>& offices,
                                 const std::vector<Deferment>& deferments, const std::vector<int64_t>& already)
    : campaign_(campaign), policy_(policy), offices_(offices), already_(already.begin(), already.end()) {
  days_ = DaysBetween(campaign.appear_from, campaign.appear_until) + 1;
  for (const Office& o : offices_) {
    if (!Has(campaign.districts, o.code)) continue;
    OfficeBook& book = books_[o.code];
    book.used.assign(static_cast<size_t>(days_), 0);
    book.day_start.assign(static_cast<size_t>(days_), std::nullopt);
  }
  for (const Office& o : offices_) {
    if (books_.count(o.code)) books_[o.code].office = &o;
  }
  for (const Deferment& d : deferments) deferments_[d.national_id].push_back(d);
}

bool CampaignPlanner::Bookable(size_t day) const {
  if (!policy_.skip_weekends) return true;
  std::chrono::weekday wd{std::chrono::sys_days{AddDays(campaign_.appear_from, static_cast<int>(day))}};
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

void CampaignPlanner::Booked(std::string_view office, Timestamp at) {
  auto it = books_.find(std::string(office));
  if (it == books_.end()) return;
  int day = DaysBetween(campaign_.appear_from, LocalDate(at, it->second.office->timezone));
  if (day >= 0 && day < days_) ++it->second.used[static_cast<size_t>(day)];
}

Timestamp CampaignPlanner::SlotTime(OfficeBook& book, size_t day, int slot) {
  if (!book.day_start[day]) {
    CivilDate date = AddDays(campaign_.appear_from, static_cast<int>(day));
    auto start = LocalToUtc(date, policy_.first_appointment_minutes, book.office->timezone);
    book.day_start[day] =
        start.ok() ? *start : StartOfDay(date) + std::chrono::minutes(policy_.first_appointment_minutes);
  }
  int span = policy_.last_appointment_minutes - policy_.first_appointment_minutes;
  int capacity = std::max(1, book.office->daily_capacity);
  // Whole minutes, spread evenly: slot k of a day at first + k * span / capacity.
  return *book.day_start[day] + std::chrono::minutes(static_cast<int64_t>(slot) * span / capacity);
}

void CampaignPlanner::Add(const Candidate& c) {
  if (!Has(campaign_.categories, c.category)) return;
  auto book_it = books_.find(c.district);
  if (book_it == books_.end()) return;
  OfficeBook& book = book_it->second;
  DistrictTally& tally = plan_.by_district[c.district];
  ++plan_.candidates;
  ++tally.candidates;
  if (already_.count(c.person_id)) {
    ++plan_.already_issued;
    ++tally.already_issued;
    return;
  }
  // The next day with room at the person's office.
  size_t day = book.cursor;
  while (day < static_cast<size_t>(days_) && (!Bookable(day) || book.used[day] >= book.office->daily_capacity)) ++day;
  book.cursor = day;
  CivilDate on =
      day < static_cast<size_t>(days_) ? AddDays(campaign_.appear_from, static_cast<int>(day)) : campaign_.appear_until;

  std::vector<std::string> reasons;
  int age = AgeOn(c.birth_date, on, policy_.leap_day_birthday);
  if (age < campaign_.age_min) reasons.emplace_back("age_below");
  if (age > campaign_.age_max) reasons.emplace_back("age_above");
  if (!Has(campaign_.fitness, c.fitness)) reasons.emplace_back("fitness");
  static const std::vector<Deferment> kNone;
  auto d = deferments_.find(c.national_id);
  Eligibility e = CheckEligibility(EligibilityFacts{c.birth_date, c.fitness, c.status},
                                   d == deferments_.end() ? kNone : d->second, campaign_.kind, on, policy_);
  for (auto& r : e.reasons) {
    if (!Has(reasons, r)) reasons.push_back(std::move(r));
  }
  if (!reasons.empty()) {
    ++plan_.excluded;
    ++tally.excluded;
    for (const auto& r : reasons) ++plan_.reasons[r];
    return;
  }
  if (day >= static_cast<size_t>(days_)) {
    ++plan_.no_capacity;
    ++tally.no_capacity;
    return;
  }
  if (campaign_.quota > 0 && static_cast<int64_t>(already_.size() + plan_.assignments.size()) >= campaign_.quota) {
    ++plan_.over_quota;
    ++tally.over_quota;
    return;
  }
  int slot = book.used[day]++;
  plan_.assignments.push_back({c.person_id, c.national_id, c.district, SlotTime(book, day, slot)});
  ++tally.planned;
}

}  // namespace muster
