// The texts of the notifications, per kind and language, with placeholders written {name}.
//
// A message tells a person that a document is waiting in their personal account, where and when
// to appear and how to appeal, and that it is informational: the legal delivery is what the
// policy says, not this message. It never carries what the summons page itself would not show a
// stranger: no national ID, no reason for a restriction, no diagnosis, no text of an appeal. The
// placeholders below are the only values a message can hold (Outbox builds them and nothing
// else), and a template naming any other is refused by Render.
//
// Placeholders: given_name, summons_number, office_name, office_region, appear_at and deadline
// (office-local time with the zone, "2027-01-15 09:00 MSK (Europe/Moscow)"), place.
//
// A template changed in meaning gets a new version; a notification records the version it was
// queued with, so that what was sent can be told later.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace muster::notify {

struct Template {
  std::string_view kind;  // "summons_delivered", ...
  std::string_view lang;  // "en", "ru"
  int version = 1;
  std::string_view subject;
  std::string_view body;
};

using Params = std::map<std::string, std::string, std::less<>>;

struct Rendered {
  std::string subject;
  std::string body;
};

// Every template, by kind then language.
std::span<const Template> Templates();
// The kinds, in the order of Templates(); and the languages.
std::vector<std::string_view> TemplateKinds();
std::span<const std::string_view> TemplateLangs();
// NotFound naming the kind or the language.
Result<const Template*> FindTemplate(std::string_view kind, std::string_view lang);
// The placeholders a template may name.
std::span<const std::string_view> KnownPlaceholders();

// The template with every {name} replaced by params[name], verbatim (a value is never expanded
// again). InvalidArgument naming the placeholder when it is not known or has no value.
Result<Rendered> Render(const Template& t, const Params& params);

// Values for `muster notify preview` and the tests.
Params SampleParams();

// Params as a JSON object of strings (Notification::params), and back; InvalidArgument when the
// text is not such an object.
std::string ParamsToJson(const Params& params);
Result<Params> ParamsFromJson(std::string_view json);

}  // namespace muster::notify
