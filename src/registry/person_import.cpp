#include "registry/person_import.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <future>
#include <unordered_map>
#include <unordered_set>

#include "core/text.hpp"
#include "registry/person_rules.hpp"

namespace muster {
namespace {

enum Column {
  kNationalId,
  kSurname,
  kGivenName,
  kPatronymic,
  kBirthDate,
  kSex,
  kDistrict,
  kCategory,
  kFitness,
  kAddress,
  kEmail,
  kPhone,
  kStatus,
  kColumnCount
};

constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "national_id", "surname", "given_name", "patronymic", "birth_date", "sex",   "district",
    "category",    "fitness", "address",    "email",      "phone",      "status"};
constexpr std::array<bool, kColumnCount> kRequired = {true, true, true,  false, true,  true, true,
                                                      true, true, false, false, false, false};

// Where each known column sits in the file; -1 when absent.
struct Layout {
  std::array<int, kColumnCount> index;
  size_t width = 0;
};

Status CheckHeaderIsText(const CsvRecord& header) {
  for (const auto& name : header.fields) {
    if (!IsValidUtf8(name) || HasControlCharacter(name)) {
      return Status::InvalidArgument("the first line is not a CSV header (binary or non-UTF-8 data)");
    }
  }
  return Status::Ok();
}

Result<Layout> PersonLayout(const CsvRecord& header, std::vector<std::string>& ignored) {
  MUSTER_RETURN_IF_ERROR(CheckHeaderIsText(header));
  Layout layout;
  layout.index.fill(-1);
  layout.width = header.fields.size();
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i];
    auto it = std::find(kColumnNames.begin(), kColumnNames.end(), name);
    if (it == kColumnNames.end()) {
      ignored.push_back(name);
      continue;
    }
    size_t c = static_cast<size_t>(it - kColumnNames.begin());
    if (layout.index[c] >= 0) return Status::InvalidArgument(fmt::format("header names column '{}' twice", name));
    layout.index[c] = static_cast<int>(i);
  }
  std::vector<std::string_view> missing;
  for (size_t c = 0; c < kColumnCount; ++c) {
    if (kRequired[c] && layout.index[c] < 0) missing.push_back(kColumnNames[c]);
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(
        fmt::format("header lacks required column{} {}", missing.size() > 1 ? "s" : "", fmt::join(missing, ", ")));
  }
  return layout;
}

class PersonRowChecker {
 public:
  PersonRowChecker(const Policy& policy, std::unordered_set<std::string> districts, CivilDate today)
      : policy_(policy), districts_(std::move(districts)), today_(today) {}

  // Fills `person` and returns true, or appends the row's rejections and returns false.
  bool Check(const CsvRecord& row, const Layout& layout, Person& person, std::vector<Rejection>& out) const {
    size_t before = out.size();
    if (row.fields.size() != layout.width) {
      out.push_back(
          {row.line, "", fmt::format("row has {} fields, the header has {}", row.fields.size(), layout.width)});
      return false;
    }
    auto field = [&](Column c) -> const std::string& {
      static const std::string kEmpty;
      return layout.index[c] < 0 ? kEmpty : row.fields[static_cast<size_t>(layout.index[c])];
    };
    auto reject = [&](Column c, const Status& st) {
      out.push_back({row.line, std::string(kColumnNames[c]), st.message()});
    };
    for (size_t c = 0; c < kColumnCount; ++c) {
      if (layout.index[c] >= 0 && !IsValidUtf8(field(static_cast<Column>(c)))) {
        reject(static_cast<Column>(c), Status::InvalidArgument("is not valid UTF-8"));
      }
    }
    if (out.size() != before) return false;

    person.national_id = field(kNationalId);
    if (Status st = policy_.national_id.Validate(person.national_id); !st.ok()) reject(kNationalId, st);
    person.surname = field(kSurname);
    if (Status st = CheckName(person.surname); !st.ok()) reject(kSurname, st);
    person.given_name = field(kGivenName);
    if (Status st = CheckName(person.given_name); !st.ok()) reject(kGivenName, st);
    person.patronymic = field(kPatronymic);
    if (!person.patronymic.empty()) {
      if (Status st = CheckName(person.patronymic); !st.ok()) reject(kPatronymic, st);
    }
    if (auto date = CheckBirthDate(field(kBirthDate), today_); date.ok()) {
      person.birth_date = *date;
    } else {
      reject(kBirthDate, date.status());
    }
    if (Status st = CheckSex(field(kSex)); st.ok()) {
      person.sex = field(kSex)[0];
    } else {
      reject(kSex, st);
    }
    person.district = field(kDistrict);
    if (!districts_.count(person.district)) {
      reject(kDistrict,
             Status::InvalidArgument(fmt::format("'{}' is not the code of a known office", person.district)));
    }
    person.category = field(kCategory);
    if (Status st = CheckCategory(person.category); !st.ok()) reject(kCategory, st);
    person.fitness = field(kFitness);
    if (Status st = CheckFitness(person.fitness, policy_); !st.ok()) reject(kFitness, st);
    person.address = field(kAddress);
    if (Status st = CheckAddress(person.address); !st.ok()) reject(kAddress, st);
    person.email = field(kEmail);
    if (!person.email.empty()) {
      if (Status st = CheckEmail(person.email); !st.ok()) reject(kEmail, st);
    }
    person.phone.clear();
    if (!field(kPhone).empty()) {
      if (auto phone = NormalizePhone(field(kPhone)); phone.ok()) {
        person.phone = *phone;
      } else {
        reject(kPhone, phone.status());
      }
    }
    person.status = PersonStatus::kActive;
    if (!field(kStatus).empty()) {
      if (auto status = ParsePersonStatus(field(kStatus))) {
        person.status = *status;
      } else {
        reject(kStatus, Status::InvalidArgument(fmt::format(
                            "'{}' is not a status (active, serving, exempt, deceased, emigrated)", field(kStatus))));
      }
    }
    return out.size() == before;
  }

 private:
  const Policy& policy_;
  std::unordered_set<std::string> districts_;
  CivilDate today_;
};

void Count(ImportSummary& summary, UpsertOutcome outcome) {
  switch (outcome) {
    case UpsertOutcome::kInserted:
      ++summary.inserted;
      break;
    case UpsertOutcome::kUpdated:
      ++summary.updated;
      break;
    case UpsertOutcome::kUnchanged:
      ++summary.unchanged;
      break;
  }
}

}  // namespace

Result<ImportSummary> ImportPersons(CsvReader& reader, Store& store, const Policy& policy, const Clock& clock,
                                    const ImportOptions& options) {
  ImportSummary summary;
  CsvRecord header;
  auto has_header = reader.Next(header);
  if (!has_header.ok()) return has_header.status();
  if (!*has_header) return Status::InvalidArgument("the file is empty: expected a header line");
  MUSTER_ASSIGN_OR_RETURN(Layout layout, PersonLayout(header, summary.ignored_columns));

  std::unordered_set<std::string> districts;
  MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(auto offices, tx.offices().List());
    for (auto& o : offices) districts.insert(std::move(o.code));
    return Status::Ok();
  }));
  PersonRowChecker checker(policy, std::move(districts), UtcDate(clock.Now()));

  std::unordered_map<std::string, size_t> first_line;  // national ID -> line it first appeared on
  first_line.reserve(std::min<size_t>(reader.total_bytes() / 64, size_t{1} << 24));
  // Two sets of batch slots: the database writes one on a second thread while this thread parses
  // and checks rows into the other. Slots are reused, so that their strings keep their capacity.
  const size_t batch_size = std::max<size_t>(options.batch_size, 1);
  std::vector<Person> batch(batch_size);
  std::vector<Person> writing(batch_size);
  size_t batch_count = 0;
  // Declared after everything the writer touches, so that its destructor waits for the writer
  // before those go away. The writer updates only inserted/updated/unchanged of the summary.
  std::future<Status> pending;
  auto wait_for_writer = [&]() -> Status { return pending.valid() ? pending.get() : Status::Ok(); };
  auto flush = [&]() -> Status {
    if (batch_count == 0) return Status::Ok();
    MUSTER_RETURN_IF_ERROR(wait_for_writer());
    std::swap(batch, writing);
    pending =
        std::async(std::launch::async,
                   [&, count = batch_count, done = reader.bytes_read(), total = reader.total_bytes()]() -> Status {
                     ImportSummary counts;  // added to the summary only once the batch is committed
                     MUSTER_RETURN_IF_ERROR(store.Write([&](Tx& tx) {
                       counts = {};
                       MUSTER_ASSIGN_OR_RETURN(
                           std::vector<UpsertOutcome> outcomes,
                           tx.persons().UpsertBatch(std::span<const Person>(writing.data(), count)));
                       for (UpsertOutcome outcome : outcomes) Count(counts, outcome);
                       return Status::Ok();
                     }));
                     summary.inserted += counts.inserted;
                     summary.updated += counts.updated;
                     summary.unchanged += counts.unchanged;
                     if (options.progress) options.progress(done, total);
                     return Status::Ok();
                   });
    batch_count = 0;
    return Status::Ok();
  };

  CsvRecord row;
  while (true) {
    auto next = reader.Next(row);
    if (!next.ok()) {
      if (!next.status().IsInvalidArgument()) return next.status();
      // A malformed tail (an unclosed quote) is one rejected row; what came before still loads.
      ++summary.rows;
      ++summary.rejected;
      summary.rejections.push_back({reader.line(), "", next.status().message()});
      break;
    }
    if (!*next) break;
    ++summary.rows;
    Person& person = batch[batch_count];
    if (!checker.Check(row, layout, person, summary.rejections)) {
      ++summary.rejected;
      continue;
    }
    auto [it, fresh] = first_line.emplace(person.national_id, row.line);
    if (!fresh) {
      ++summary.rejected;
      summary.rejections.push_back(
          {row.line, "national_id", fmt::format("{} already appeared on line {}", person.national_id, it->second)});
      continue;
    }
    if (++batch_count == batch_size) MUSTER_RETURN_IF_ERROR(flush());
  }
  MUSTER_RETURN_IF_ERROR(flush());
  MUSTER_RETURN_IF_ERROR(wait_for_writer());
  return summary;
}

Status CheckOffice(const Office& o) {
  if (o.code.empty() || o.code.size() > 16 || !std::all_of(o.code.begin(), o.code.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      })) {
    return Status::InvalidArgument("code", fmt::format("'{}' must be 1-16 letters, digits, '-' or '_'", o.code));
  }
  for (auto [name, value] : {std::pair{"name", &o.name}, std::pair{"region", &o.region}}) {
    if (value->empty()) return Status::InvalidArgument(name, "is empty");
    if (!IsValidUtf8(*value) || HasControlCharacter(*value) || CodePointCount(*value) > 200) {
      return Status::InvalidArgument(name, "must be text of at most 200 characters");
    }
  }
  if (!IsKnownTimeZone(o.timezone)) {
    return Status::InvalidArgument("timezone",
                                   fmt::format("'{}' is not an IANA time zone name such as Europe/Moscow", o.timezone));
  }
  if (o.daily_capacity < 1 || o.daily_capacity > 100000) {
    return Status::InvalidArgument("daily_capacity", fmt::format("{} is not between 1 and 100000", o.daily_capacity));
  }
  return Status::Ok();
}

Result<ImportSummary> ImportOffices(CsvReader& reader, Store& store) {
  ImportSummary summary;
  CsvRecord header;
  MUSTER_ASSIGN_OR_RETURN(bool has_header, reader.Next(header));
  if (!has_header) return Status::InvalidArgument("the file is empty: expected a header line");
  MUSTER_RETURN_IF_ERROR(CheckHeaderIsText(header));
  constexpr std::array<std::string_view, 5> kNames = {"code", "name", "region", "timezone", "daily_capacity"};
  std::array<int, 5> index;
  index.fill(-1);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    auto it = std::find(kNames.begin(), kNames.end(), header.fields[i]);
    if (it == kNames.end()) {
      summary.ignored_columns.push_back(header.fields[i]);
    } else {
      index[static_cast<size_t>(it - kNames.begin())] = static_cast<int>(i);
    }
  }
  for (size_t c = 0; c < 4; ++c) {
    if (index[c] < 0) return Status::InvalidArgument(fmt::format("header lacks required column {}", kNames[c]));
  }
  std::vector<Office> offices;
  std::unordered_map<std::string, size_t> seen;
  CsvRecord row;
  while (true) {
    auto more = reader.Next(row);
    if (!more.ok()) return more.status().WithContext(fmt::format("line {}", reader.line()));
    if (!*more) break;
    ++summary.rows;
    if (row.fields.size() != header.fields.size()) {
      summary.rejections.push_back(
          {row.line, "", fmt::format("row has {} fields, the header has {}", row.fields.size(), header.fields.size())});
      continue;
    }
    auto field = [&](size_t c) { return index[c] < 0 ? std::string() : row.fields[static_cast<size_t>(index[c])]; };
    Office office{field(0), field(1), field(2), field(3), 200};
    if (index[4] >= 0 && !field(4).empty()) {
      std::string text = field(4);
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), office.daily_capacity);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        summary.rejections.push_back({row.line, "daily_capacity", fmt::format("'{}' is not a whole number", text)});
        continue;
      }
    }
    if (Status st = CheckOffice(office); !st.ok()) {
      // The message is "<field>: <what>" (Status::WithField).
      const std::string& column = st.field();
      summary.rejections.push_back(
          {row.line, column, column.empty() ? st.message() : st.message().substr(column.size() + 2)});
      continue;
    }
    if (auto [it, fresh] = seen.emplace(office.code, row.line); !fresh) {
      summary.rejections.push_back(
          {row.line, "code", fmt::format("{} already appeared on line {}", office.code, it->second)});
      continue;
    }
    offices.push_back(std::move(office));
  }
  summary.rejected = summary.rejections.size();
  if (summary.rejected > 0) return summary;  // all or nothing: offices are few and referenced by persons
  std::vector<UpsertOutcome> outcomes;       // counted once committed: a store may run the write twice
  MUSTER_RETURN_IF_ERROR(store.Write([&](Tx& tx) {
    outcomes.clear();
    for (const Office& o : offices) {
      MUSTER_ASSIGN_OR_RETURN(UpsertOutcome outcome, tx.offices().Upsert(o));
      outcomes.push_back(outcome);
    }
    return Status::Ok();
  }));
  for (UpsertOutcome outcome : outcomes) Count(summary, outcome);
  return summary;
}

Status WriteRejectionReport(const ImportSummary& summary, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError(fmt::format("cannot write report '{}'", path));
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  out << "line,column,reason\n";
  for (const auto& r : summary.rejections) out << r.line << ',' << r.column << ',' << quote(r.reason) << '\n';
  out.flush();
  if (!out) return Status::IoError(fmt::format("cannot write report '{}'", path));
  return Status::Ok();
}

}  // namespace muster
