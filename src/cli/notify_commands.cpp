// notify run, notify list, notify show, notify unreachable, notify preview (notify/).
#include <fmt/format.h>

#include <memory>

#include "app/app.hpp"
#include "cli/cli.hpp"
#include "codec/json.hpp"
#include "notify/dispatcher.hpp"
#include "notify/escalation.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"

namespace muster::cli {
namespace {

struct RunArgs {
  std::string owner;
  std::string lang = "en";
};

// One pass: the escalation takes the steps due (with the policy's [escalation]), the outbox
// queues what the events since its cursor call for, then the dispatcher sends what is due
// through the configured channels.
Status Run(Context& ctx, Store& store, const Policy& policy, const RunArgs& args) {
  MUSTER_ASSIGN_OR_RETURN(Deployment deployment, ctx.LoadDeployment());
  MUSTER_RETURN_IF_ERROR(notify::FindTemplate(notify::TemplateKinds().front(), args.lang).status());
  MUSTER_ASSIGN_OR_RETURN(
      auto app, app::App::Build(store, policy, ctx.clock, {.load_ledger = [&ctx] { return ctx.LoadLedger(); }}));
  notify::Escalator escalator(app->writes(), ctx.clock, policy);
  MUSTER_ASSIGN_OR_RETURN(notify::EscalationCounts escalated, escalator.Pass());
  notify::Outbox outbox(app->writes(), ctx.clock, policy, {.lang = args.lang});
  MUSTER_RETURN_IF_ERROR(outbox.Round());
  notify::Dispatcher dispatcher(app->writes(), ctx.clock, notify::ChannelsOf(deployment, ctx.clock),
                                {.owner = args.owner.empty() ? notify::DefaultOwner() : args.owner});
  MUSTER_ASSIGN_OR_RETURN(notify::DispatchCounts sent, dispatcher.Pass());
  std::vector<std::pair<NotificationStatus, int64_t>> statuses;
  MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(statuses, tx.notifications().CountByStatus());
    return Status::Ok();
  }));
  if (ctx.json) {
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto& [status, n] : statuses) by_status[std::string(NotificationStatusName(status))] = n;
    PrintJson({{"escalated", escalated.stepped},
               {"unreachable", escalated.unreachable},
               {"queued_now", outbox.queued()},
               {"channels", dispatcher.has_channels()},
               {"claimed", sent.claimed},
               {"delivered", sent.delivered},
               {"temporary_failures", sent.temporary_failures},
               {"permanent_failures", sent.permanent_failures},
               {"lost_leases", sent.lost_leases},
               {"statuses", by_status}});
    return Status::Ok();
  }
  if (policy.escalation.enabled()) {
    fmt::print("Escalated {} unopened summonses; {} unreachable\n", escalated.stepped, escalated.unreachable);
  }
  fmt::print("Queued {} notifications\n", outbox.queued());
  if (!dispatcher.has_channels()) {
    fmt::print("No channel configured ([smtp], [webhook] in --config): nothing sent\n");
  } else {
    fmt::print("Sent {}: {} delivered, {} temporary-failure, {} permanent-failure{}\n", sent.claimed, sent.delivered,
               sent.temporary_failures, sent.permanent_failures,
               sent.lost_leases ? fmt::format(", {} taken up by another dispatcher", sent.lost_leases) : "");
  }
  std::vector<std::string> parts;
  parts.reserve(statuses.size());
  for (const auto& [status, n] : statuses) parts.push_back(fmt::format("{} {}", n, NotificationStatusName(status)));
  fmt::print("Now: {}\n", parts.empty() ? "no notifications" : fmt::format("{}", fmt::join(parts, ", ")));
  return Status::Ok();
}

// The API's form, with the Message-ID the receivers see.
nlohmann::json NotificationJson(const Notification& n) {
  nlohmann::json j = ToJson(n);
  j["message_id"] = n.message_id;
  return j;
}

struct ListArgs {
  std::string summons;
  std::string status;
  size_t limit = 0;
};

Status List(Context& ctx, Store& store, const ListArgs& args) {
  NotificationFilter filter{.limit = args.limit};
  if (!args.summons.empty()) filter.summons_number = args.summons;
  if (!args.status.empty()) {
    filter.status = ParseNotificationStatus(args.status);
    if (!filter.status) {
      return Status::InvalidArgument("status",
                                     "expected queued, sending, delivered, temporary-failure or permanent-failure");
    }
  }
  std::vector<Notification> list;
  MUSTER_RETURN_IF_ERROR(store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(list, tx.notifications().List(filter));
    return Status::Ok();
  }));
  if (ctx.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Notification& n : list) out.push_back(NotificationJson(n));
    PrintJson(out);
    return Status::Ok();
  }
  for (const Notification& n : list) {
    fmt::print("{:>6}  {:<7}  {:<20}  {:<17}  {:>2}  {}  {}{}\n", n.id, NotificationChannelName(n.channel), n.templ,
               NotificationStatusName(n.status), n.attempts, FormatTimestamp(n.updated_at), n.summons_number,
               n.reason.empty() ? "" : "  " + n.reason);
  }
  if (list.empty()) fmt::print("No notifications\n");
  return Status::Ok();
}

// One message, with its address, its next attempt and every attempt's answer.
Status Show(const Context& ctx, Store& store, int64_t id) {
  Notification n;
  std::vector<NotificationAttempt> attempts;
  MUSTER_RETURN_IF_ERROR(store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(n, tx.notifications().Get(id));
    MUSTER_ASSIGN_OR_RETURN(attempts, tx.notifications().Attempts(id));
    return Status::Ok();
  }));
  if (ctx.json) {
    nlohmann::json j = NotificationJson(n);
    j["address"] = n.address;
    j["next_attempt_at"] = FormatTimestamp(n.next_attempt_at);
    j["attempt_list"] = nlohmann::json::array();
    for (const NotificationAttempt& a : attempts) {
      j["attempt_list"].push_back(
          {{"at", FormatTimestamp(a.at)}, {"outcome", NotificationStatusName(a.outcome)}, {"answer", a.answer}});
    }
    PrintJson(j);
    return Status::Ok();
  }
  fmt::print("Notification {} ({} {} {}) to {}: {}{}\n", n.id, NotificationChannelName(n.channel), n.templ, n.lang,
             n.address, NotificationStatusName(n.status), n.reason.empty() ? "" : " (" + n.reason + ")");
  fmt::print("Message-ID {}; queued {}; next attempt {}\n", n.message_id, FormatTimestamp(n.created_at),
             FormatTimestamp(n.next_attempt_at));
  for (const NotificationAttempt& a : attempts) {
    fmt::print("  {}  {:<17}  {}\n", FormatTimestamp(a.at), NotificationStatusName(a.outcome), a.answer);
  }
  return Status::Ok();
}

// The unreachable summonses of one office, or of all.
Status Unreachable(Context& ctx, app::App& app, const std::string& office) {
  std::optional<std::string> only;
  if (!office.empty()) only = office;
  MUSTER_ASSIGN_OR_RETURN(std::vector<Escalation> list, app.domain().notifications().Unreachable(ctx.Acting(), only));
  if (ctx.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Escalation& e : list) out.push_back(ToJson(e));
    PrintJson(out);
    return Status::Ok();
  }
  for (const Escalation& e : list) {
    fmt::print("{}  {:<8}  {:<7}  {}\n", e.summons_number, e.office, e.step,
               FormatTimestamp(e.unreachable_at.value_or(e.stepped_at)));
  }
  if (list.empty()) fmt::print("No unreachable summonses\n");
  return Status::Ok();
}

Status Preview(const Context& ctx, const std::string& kind, const std::string& lang) {
  MUSTER_ASSIGN_OR_RETURN(const notify::Template* t, notify::FindTemplate(kind, lang));
  MUSTER_ASSIGN_OR_RETURN(notify::Rendered r, notify::Render(*t, notify::SampleParams()));
  if (ctx.json) {
    PrintJson(
        {{"kind", t->kind}, {"lang", t->lang}, {"version", t->version}, {"subject", r.subject}, {"body", r.body}});
  } else {
    fmt::print("Subject: {}\n\n{}", r.subject, r.body);
  }
  return Status::Ok();
}

}  // namespace

void AddNotifyCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* notify = app.add_subcommand("notify", "notifications: queue, send, list, preview (docs/deploy.md)");
  notify->require_subcommand(1);

  auto* run = notify->add_subcommand("run", "queue what the new events call for and send what is due, once");
  auto run_args = std::make_shared<RunArgs>();
  run->add_option("--owner", run_args->owner, "the dispatcher's name for its leases (default host:pid)");
  run->add_option("--lang", run_args->lang, "the language of new messages: en or ru")->capture_default_str();
  run->callback([&ctx, &exit_code, run_args] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy& policy) { return Run(ctx, store, policy, *run_args); });
  });

  auto* list = notify->add_subcommand("list", "list notifications, lowest id first");
  auto list_args = std::make_shared<ListArgs>();
  list->add_option("--summons", list_args->summons, "about this summons");
  list->add_option("--status", list_args->status, "queued, sending, delivered, temporary-failure or permanent-failure");
  list->add_option("--limit", list_args->limit, "at most this many (0: all)");
  list->callback([&ctx, &exit_code, list_args] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) { return List(ctx, store, *list_args); });
  });

  auto* show = notify->add_subcommand("show", "one notification and every attempt at it");
  auto show_id = std::make_shared<int64_t>(0);
  show->add_option("ID", *show_id, "the notification's id (notify list)")->required();
  show->callback([&ctx, &exit_code, show_id] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) { return Show(ctx, store, *show_id); });
  });

  auto* unreachable =
      notify->add_subcommand("unreachable", "summonses that no step of the [escalation] ladder reached");
  auto office = std::make_shared<std::string>();
  unreachable->add_option("--office", *office, "of this office (default: every office)");
  unreachable->callback([&ctx, &exit_code, office] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy& policy) -> Status {
      MUSTER_ASSIGN_OR_RETURN(
          auto app, app::App::Build(store, policy, ctx.clock, {.load_ledger = [&ctx] { return ctx.LoadLedger(); }}));
      return Unreachable(ctx, *app, *office);
    });
  });

  auto* preview = notify->add_subcommand("preview", "print a template filled with sample values");
  auto kind = std::make_shared<std::string>();
  auto lang = std::make_shared<std::string>("en");
  preview
      ->add_option("KIND", *kind,
                   "summons_delivered, summons_reminder, restriction_imposed, restriction_lifted, appeal_granted, "
                   "appeal_denied, correction_approved, correction_rejected")
      ->required();
  preview->add_option("--lang", *lang, "en or ru")->capture_default_str();
  preview->callback([&ctx, &exit_code, kind, lang] {
    Status st = Preview(ctx, *kind, *lang);
    if (!st.ok()) exit_code = Fail(ctx, st);
  });
}

}  // namespace muster::cli
