#include "registry/correction.hpp"

#include <fmt/format.h>

#include <array>

#include "registry/person_rules.hpp"

namespace muster {
namespace {

constexpr std::array<std::string_view, 9> kFields = {"surname",  "given_name", "patronymic", "birth_date", "sex",
                                                     "district", "address",    "email",      "phone"};

Result<std::string> Named(std::string_view field, const Status& st) {
  return Status::InvalidArgument("value", fmt::format("{} {}", field, st.message()));
}

}  // namespace

std::string_view CorrectableFields() {
  return "surname, given_name, patronymic, birth_date, sex, district, address, email, phone";
}

bool IsCorrectableField(std::string_view field) {
  for (auto f : kFields) {
    if (f == field) return true;
  }
  return false;
}

Result<std::string> CheckCorrection(std::string_view field, std::string_view value, CivilDate today) {
  if (!IsCorrectableField(field)) {
    return Status::InvalidArgument("field", fmt::format("must be one of {}", CorrectableFields()));
  }
  std::string v(value);
  if (field == "surname" || field == "given_name" || (field == "patronymic" && !v.empty())) {
    if (Status st = CheckName(v); !st.ok()) return Named(field, st);
  } else if (field == "birth_date") {
    auto date = CheckBirthDate(v, today);
    if (!date.ok()) return Named(field, date.status());
    v = FormatCivilDate(*date);
  } else if (field == "sex") {
    if (Status st = CheckSex(v); !st.ok()) return Named(field, st);
  } else if (field == "district") {
    if (v.empty()) return Named(field, Status::InvalidArgument("is empty"));
  } else if (field == "address") {
    if (Status st = CheckAddress(v); !st.ok()) return Named(field, st);
  } else if (field == "email" && !v.empty()) {
    if (Status st = CheckEmail(v); !st.ok()) return Named(field, st);
  } else if (field == "phone" && !v.empty()) {
    auto phone = NormalizePhone(v);
    if (!phone.ok()) return Named(field, phone.status());
    v = *phone;
  }
  return v;
}

std::string FieldValue(const Person& p, std::string_view field) {
  if (field == "surname") return p.surname;
  if (field == "given_name") return p.given_name;
  if (field == "patronymic") return p.patronymic;
  if (field == "birth_date") return FormatCivilDate(p.birth_date);
  if (field == "sex") return std::string(1, p.sex);
  if (field == "district") return p.district;
  if (field == "address") return p.address;
  if (field == "email") return p.email;
  if (field == "phone") return p.phone;
  return "";
}

void ApplyCorrection(Person& p, std::string_view field, std::string_view value) {
  std::string v(value);
  if (field == "surname")
    p.surname = v;
  else if (field == "given_name")
    p.given_name = v;
  else if (field == "patronymic")
    p.patronymic = v;
  else if (field == "birth_date") {
    if (auto date = ParseCivilDate(v); date.ok()) p.birth_date = *date;
  } else if (field == "sex")
    p.sex = v.empty() ? p.sex : v[0];
  else if (field == "district")
    p.district = v;
  else if (field == "address")
    p.address = v;
  else if (field == "email")
    p.email = v;
  else if (field == "phone")
    p.phone = v;
}

}  // namespace muster
