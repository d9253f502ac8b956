#include "notify/templates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace muster::notify {
namespace {

// The closing lines: what the message is (informational), that it takes no answer.
#define MUSTER_DELIVERY_NOTE_EN                                                               \
  "\n\nThis message is for information only: the summons counts as delivered as the law "     \
  "provides, through your personal account, whether or not this message reaches you. Do not " \
  "reply to it; the office's contact details are in your personal account.\n"
#define MUSTER_NOTE_EN                                                                    \
  "\n\nThis message is for information only: what counts is the record in your personal " \
  "account. Do not reply to it.\n"
#define MUSTER_DELIVERY_NOTE_RU                                                                                                                                              \
  "\n\nЭто сообщение носит информационный характер: повестка считается врученной в порядке, "       \
  "установленном законом, через личный кабинет, независимо от того, получено ли это сообщение. " \
  "Не отвечайте на него; контакты военкомата указаны в личном кабинете.\n"
#define MUSTER_NOTE_RU                                                                                                                                                  \
  "\n\nЭто сообщение носит информационный характер: значение имеет запись в личном кабинете. " \
  "Не отвечайте на него.\n"

constexpr Template kTemplates[] = {
    {"summons_delivered", "en", 1, "A document is waiting in your personal account (summons {summons_number})",
     "Dear {given_name},\n\n"
     "A summons, number {summons_number}, from {office_name} ({office_region}) is waiting for you in your "
     "personal account.\n\n"
     "Appointment: {appear_at}, {place}, {office_name}.\n"
     "Deadline for appearing or appealing: {deadline}.\n\n"
     "Open your personal account to read the summons and download the receipt of its delivery. If you believe "
     "the summons is wrong (illness, a deferment, another person), you can file an appeal in your personal "
     "account, on the summons's page, before {deadline}." MUSTER_DELIVERY_NOTE_EN},
    {"summons_delivered", "ru", 1, "В личном кабинете вас ожидает документ (повестка {summons_number})",
     "Здравствуйте, {given_name}!\n\n"
     "В вашем личном кабинете размещена повестка № {summons_number} от {office_name} ({office_region}).\n\n"
     "Явка: {appear_at}, {place}, {office_name}.\n"
     "Крайний срок явки или подачи жалобы: {deadline}.\n\n"
     "Откройте личный кабинет, чтобы прочитать повестку и скачать квитанцию о её вручении. Если вы считаете "
     "повестку ошибочной (болезнь, отсрочка, другое лицо), вы можете подать жалобу в личном кабинете на "
     "странице повестки до {deadline}." MUSTER_DELIVERY_NOTE_RU},
    {"summons_reminder", "en", 1, "Reminder: a summons is waiting in your personal account (summons {summons_number})",
     "Dear {given_name},\n\n"
     "A summons, number {summons_number}, from {office_name} ({office_region}) has been waiting in your personal "
     "account and has not been opened yet.\n\n"
     "Appointment: {appear_at}, {place}, {office_name}.\n"
     "Deadline for appearing or appealing: {deadline}.\n\n"
     "Open your personal account to read the summons. If you believe the summons is wrong (illness, a "
     "deferment, another person), you can file an appeal in your personal account, on the summons's page, "
     "before {deadline}." MUSTER_DELIVERY_NOTE_EN},
    {"summons_reminder", "ru", 1, "Напоминание: в личном кабинете вас ожидает повестка (№ {summons_number})",
     "Здравствуйте, {given_name}!\n\n"
     "В вашем личном кабинете размещена повестка № {summons_number} от {office_name} ({office_region}), и она "
     "ещё не открыта.\n\n"
     "Явка: {appear_at}, {place}, {office_name}.\n"
     "Крайний срок явки или подачи жалобы: {deadline}.\n\n"
     "Откройте личный кабинет, чтобы прочитать повестку. Если вы считаете повестку ошибочной (болезнь, "
     "отсрочка, другое лицо), вы можете подать жалобу в личном кабинете на странице повестки до "
     "{deadline}." MUSTER_DELIVERY_NOTE_RU},
    {"restriction_imposed", "en", 1, "A new notice in your personal account (summons {summons_number})",
     "Dear {given_name},\n\n"
     "A restriction related to summons {summons_number} from {office_name} has been recorded. What it is and "
     "what you can do are shown in your personal account.\n\n"
     "If you believe it is wrong, you can file an appeal against the summons in your personal account, or "
     "contact {office_name}." MUSTER_NOTE_EN},
    {"restriction_imposed", "ru", 1, "Новое уведомление в личном кабинете (повестка {summons_number})",
     "Здравствуйте, {given_name}!\n\n"
     "В связи с повесткой № {summons_number} от {office_name} в отношении вас введено ограничение. Его суть и "
     "ваши возможности указаны в личном кабинете.\n\n"
     "Если вы считаете его ошибочным, вы можете подать жалобу на повестку в личном кабинете или обратиться в "
     "{office_name}." MUSTER_NOTE_RU},
    {"restriction_lifted", "en", 1, "A restriction has been lifted (summons {summons_number})",
     "Dear {given_name},\n\n"
     "A restriction related to summons {summons_number} from {office_name} has been lifted. The details are in "
     "your personal account." MUSTER_NOTE_EN},
    {"restriction_lifted", "ru", 1, "Ограничение снято (повестка {summons_number})",
     "Здравствуйте, {given_name}!\n\n"
     "Ограничение, введённое в связи с повесткой № {summons_number} от {office_name}, снято. Подробности — в "
     "личном кабинете." MUSTER_NOTE_RU},
    {"appeal_granted", "en", 1, "Your appeal has been granted (summons {summons_number})",
     "Dear {given_name},\n\n"
     "Your appeal against summons {summons_number} has been granted by {office_name}. The decision is in your "
     "personal account." MUSTER_NOTE_EN},
    {"appeal_granted", "ru", 1, "Ваша жалоба удовлетворена (повестка {summons_number})",
     "Здравствуйте, {given_name}!\n\n"
     "Ваша жалоба на повестку № {summons_number} удовлетворена ({office_name}). Решение размещено в личном "
     "кабинете." MUSTER_NOTE_RU},
    {"appeal_denied", "en", 1, "Your appeal has been decided (summons {summons_number})",
     "Dear {given_name},\n\n"
     "Your appeal against summons {summons_number} has been decided by {office_name}: it was not granted. The "
     "decision, and what it means for your appointment, are in your personal account." MUSTER_NOTE_EN},
    {"appeal_denied", "ru", 1, "Ваша жалоба рассмотрена (повестка {summons_number})",
     "Здравствуйте, {given_name}!\n\n"
     "Ваша жалоба на повестку № {summons_number} рассмотрена ({office_name}) и не удовлетворена. Решение и что "
     "оно означает для вашей явки указаны в личном кабинете." MUSTER_NOTE_RU},
    {"correction_approved", "en", 1, "Your registry data have been corrected",
     "Dear {given_name},\n\n"
     "Your request to correct your registry data has been approved by {office_name}. The corrected data are "
     "shown in your personal account." MUSTER_NOTE_EN},
    {"correction_approved", "ru", 1, "Ваши данные учёта исправлены",
     "Здравствуйте, {given_name}!\n\n"
     "Ваш запрос на исправление данных учёта одобрен ({office_name}). Исправленные данные отображаются в личном "
     "кабинете." MUSTER_NOTE_RU},
    {"correction_rejected", "en", 1, "Your request to correct your data has been decided",
     "Dear {given_name},\n\n"
     "Your request to correct your registry data has been decided by {office_name}: it was not approved. The "
     "decision is in your personal account." MUSTER_NOTE_EN},
    {"correction_rejected", "ru", 1, "Ваш запрос на исправление данных рассмотрен",
     "Здравствуйте, {given_name}!\n\n"
     "Ваш запрос на исправление данных учёта рассмотрен ({office_name}) и отклонён. Решение размещено в личном "
     "кабинете." MUSTER_NOTE_RU},
};

#undef MUSTER_DELIVERY_NOTE_EN
#undef MUSTER_NOTE_EN
#undef MUSTER_DELIVERY_NOTE_RU
#undef MUSTER_NOTE_RU

constexpr std::string_view kLangs[] = {"en", "ru"};
constexpr std::string_view kPlaceholders[] = {"given_name", "summons_number", "office_name", "office_region",
                                              "appear_at",  "deadline",       "place"};

Result<std::string> Fill(std::string_view text, const Params& params, std::string_view where) {
  std::string out;
  out.reserve(text.size() + 128);
  size_t at = 0;
  while (at < text.size()) {
    size_t open = text.find('{', at);
    if (open == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    out.append(text.substr(at, open - at));
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("{}: a '{{' without its '}}'", where));
    }
    std::string_view name = text.substr(open + 1, close - open - 1);
    if (std::find(std::begin(kPlaceholders), std::end(kPlaceholders), name) == std::end(kPlaceholders)) {
      return Status::InvalidArgument(name, fmt::format("{}: no placeholder {{{}}}", where, name));
    }
    auto value = params.find(name);
    if (value == params.end())
      return Status::InvalidArgument(name, fmt::format("{}: no value for {{{}}}", where, name));
    out.append(value->second);
    at = close + 1;
  }
  return out;
}

}  // namespace

std::span<const Template> Templates() { return kTemplates; }

std::vector<std::string_view> TemplateKinds() {
  std::vector<std::string_view> kinds;
  for (const Template& t : kTemplates) {
    if (std::find(kinds.begin(), kinds.end(), t.kind) == kinds.end()) kinds.push_back(t.kind);
  }
  return kinds;
}

std::span<const std::string_view> TemplateLangs() { return kLangs; }
std::span<const std::string_view> KnownPlaceholders() { return kPlaceholders; }

Result<const Template*> FindTemplate(std::string_view kind, std::string_view lang) {
  bool kind_known = false;
  for (const Template& t : kTemplates) {
    if (t.kind != kind) continue;
    kind_known = true;
    if (t.lang == lang) return &t;
  }
  if (!kind_known) {
    return Status::NotFound("kind",
                            fmt::format("no template '{}' (one of: {})", kind, fmt::join(TemplateKinds(), ", ")));
  }
  return Status::NotFound(
      "lang", fmt::format("no template '{}' in '{}' (one of: {})", kind, lang, fmt::join(TemplateLangs(), ", ")));
}

Result<Rendered> Render(const Template& t, const Params& params) {
  const std::string where = fmt::format("template {} ({}, v{})", t.kind, t.lang, t.version);
  Rendered r;
  MUSTER_ASSIGN_OR_RETURN(r.subject, Fill(t.subject, params, where + " subject"));
  MUSTER_ASSIGN_OR_RETURN(r.body, Fill(t.body, params, where));
  return r;
}

Params SampleParams() {
  return {{"given_name", "Ivan"},
          {"summons_number", "26-00000001-5"},
          {"office_name", "Central recruitment office"},
          {"office_region", "Moscow"},
          {"appear_at", "2027-01-15 09:00 MSK (Europe/Moscow)"},
          {"deadline", "2027-01-16 09:00 MSK (Europe/Moscow)"},
          {"place", "Room 4"}};
}

std::string ParamsToJson(const Params& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : params) j[k] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Params> ParamsFromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("params", "not a JSON object");
  Params out;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return Status::InvalidArgument("params", fmt::format("{}: not a string", k));
    out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace muster::notify
