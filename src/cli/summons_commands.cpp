// deferment, eligibility, summons, override, campaign, appear, appeal, correction, sweep, restriction, exit-check.
#include <fmt/format.h>

#include <memory>
#include <sstream>

#include "app/app.hpp"
#include "cli/cli.hpp"
#include "codec/json.hpp"
#include "core/summons_number.hpp"

namespace muster::cli {
namespace {

// WithStore, with the services built on that store (app::App): every write appends its events
// to the ledger before it commits. The keys are read at the first write, so read-only commands
// work without them.
template <typename Work>
void WithService(Context& ctx, int& exit_code, Work&& work) {
  WithStore(ctx, exit_code, [&](Store& store, const Policy& policy) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto app, app::App::Build(store, policy, ctx.clock, {.load_ledger = [&ctx] {
                                                         return ctx.LoadLedger();
                                                       }}));
    return work(app->domain(), store, policy);
  });
}

// WithService for bulk work (a campaign's issue, a sweep): a ledger::Follower appends the events
// of its batches on another thread while they commit, and every event is in the ledger when the
// command ends. The keys are needed from the start.
template <typename Work>
void WithBulkService(Context& ctx, int& exit_code, Work&& work) {
  WithStore(ctx, exit_code, [&](Store& store, const Policy& policy) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto app, app::App::Build(store, policy, ctx.clock,
                                                      {.load_ledger = [&ctx] { return ctx.LoadLedger(); },
                                                       .ledger_at_start = true,
                                                       .bulk_follower = true}));
    Status st = work(app->domain(), store, policy);
    Status appended = app->Finish();
    return st.ok() ? appended : st;
  });
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void PrintSummons(const Summons& s) {
  fmt::print("Summons {}  [{}]\n", s.number, SummonsStateName(s.state));
  fmt::print("  person       {}\n  office       {}\n  kind         {}\n  appear at    {}\n  place        {}\n",
             s.national_id, s.office, s.kind, FormatTimestamp(s.appear_at), s.place);
  fmt::print("  purpose      {}\n  issued       {} by {}\n", s.purpose, FormatTimestamp(s.issued_at), s.issued_by);
  if (s.campaign_id) fmt::print("  campaign     {}\n", *s.campaign_id);
  if (s.delivered_at) fmt::print("  delivered    {}\n", FormatTimestamp(*s.delivered_at));
  if (s.viewed_at) fmt::print("  viewed       {}\n", FormatTimestamp(*s.viewed_at));
  if (s.appeared_at) fmt::print("  appeared     {}\n", FormatTimestamp(*s.appeared_at));
  if (s.closed_at) fmt::print("  closed       {} {}\n", FormatTimestamp(*s.closed_at), s.close_reason);
  if (!s.override_reason.empty()) {
    fmt::print("  override     {} (approved by {})\n", s.override_reason, s.override_approved_by);
  }
}

void PrintPlan(const CampaignPlan& p, std::string_view verb) {
  fmt::print("{}: {} candidates, {} {}, {} already summoned, {} not eligible, {} without a free slot, {} over quota\n",
             verb, p.candidates, p.assignments.size(), verb == "preview" ? "would be summoned" : "summoned",
             p.already_issued, p.excluded, p.no_capacity, p.over_quota);
  if (!p.reasons.empty()) {
    fmt::print("not eligible, by reason:\n");
    for (const auto& [reason, n] : p.reasons) fmt::print("  {:<24} {:>9}\n", reason, n);
  }
  fmt::print("{:<10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "DISTRICT", "CANDIDATES", "PLANNED", "ALREADY",
             "EXCLUDED", "NO SLOT", "OVER QUOTA");
  for (const auto& [code, t] : p.by_district) {
    fmt::print("{:<10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", code, t.candidates, t.planned, t.already_issued,
               t.excluded, t.no_capacity, t.over_quota);
  }
}

Result<Timestamp> ParseWhen(const std::string& text, std::string_view field) {
  auto t = ParseTimestamp(text);
  if (!t.ok()) return t.status().WithContext(field);
  return t;
}

void AddDefermentCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand("deferment", "add, list and end deferments");
  cmd->require_subcommand(1);
  struct Args {
    std::string national_id, kind, until, basis;
    int64_t id = 0;
  };
  auto a = std::make_shared<Args>();
  auto* add = cmd->add_subcommand("add", "grant a deferment");
  add->add_option("NATIONAL_ID", a->national_id)->required();
  add->add_option("--kind", a->kind, "a deferment kind of the policy")->required();
  add->add_option("--until", a->until, "last day covered, YYYY-MM-DD")->required();
  add->add_option("--basis", a->basis, "the document or decision it rests on")->required();
  add->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      auto until = ParseCivilDate(a->until);
      if (!until.ok()) return until.status().WithContext("until");
      MUSTER_ASSIGN_OR_RETURN(Deferment d,
                              svc.deferments().Add(a->national_id, a->kind, *until, a->basis, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(d));
      } else {
        fmt::print("Deferment {} ({}) for {} until {}\n", d.id.value, d.kind, d.national_id, FormatCivilDate(d.until));
      }
      return Status::Ok();
    });
  });
  auto* list = cmd->add_subcommand("list", "list a person's deferments");
  list->add_option("NATIONAL_ID", a->national_id)->required();
  list->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain&, Store& store, const Policy&) -> Status {
      std::vector<Deferment> list;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_RETURN_IF_ERROR(tx.persons().Get(a->national_id).status());
        MUSTER_ASSIGN_OR_RETURN(list, tx.deferments().List(a->national_id));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& d : list) j.push_back(ToJson(d));
        PrintJson(j);
        return Status::Ok();
      }
      for (const auto& d : list) {
        fmt::print("{:>6}  {:<14} until {}  {}{}\n", d.id.value, d.kind, FormatCivilDate(d.until), d.basis,
                   d.ended_at ? "  (ended " + FormatTimestamp(*d.ended_at) + ")" : "");
      }
      return Status::Ok();
    });
  });
  auto* end = cmd->add_subcommand("end", "end a deferment now");
  end->add_option("ID", a->id)->required();
  end->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Deferment d, svc.deferments().End(DefermentId{a->id}, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(d));
      } else {
        fmt::print("Deferment {} ended\n", d.id.value);
      }
      return Status::Ok();
    });
  });
}

struct IssueArgs {
  std::string national_id, office, kind, appear_at, place, purpose, override_reason;
  std::string number, reason, text, at, now;
  int64_t id = 0;
  bool grant = false, deny = false, pending = false;
};

void AddSummonsCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto a = std::make_shared<IssueArgs>();

  auto* elig = app.add_subcommand("eligibility", "check whether a person may be summoned, with every reason if not");
  elig->add_option("NATIONAL_ID", a->national_id)->required();
  elig->add_option("--kind", a->kind, "campaign kind")->required();
  elig->add_option("--appear-at", a->appear_at, "appearance time, RFC 3339")->required();
  elig->add_option("--office", a->office, "office (default: the person's district)");
  elig->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Timestamp t, ParseWhen(a->appear_at, "appear_at"));
      MUSTER_ASSIGN_OR_RETURN(Eligibility e,
                              svc.summons().CheckPerson(a->national_id, a->office, a->kind, t, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(e));
      } else if (e.eligible()) {
        fmt::print("eligible\n");
      } else {
        fmt::print("not eligible: {}\n", fmt::join(e.reasons, ", "));
      }
      return Status::Ok();
    });
  });

  auto* summons = app.add_subcommand("summons", "issue, show, open and cancel summonses");
  summons->require_subcommand(1);
  auto* issue = summons->add_subcommand(
      "issue", "issue one summons; an ineligible person needs --override-reason and a second person's approval");
  issue->add_option("NATIONAL_ID", a->national_id)->required();
  issue->add_option("--office", a->office, "issuing office code")->required();
  issue->add_option("--kind", a->kind, "campaign kind, e.g. conscription")->required();
  issue->add_option("--appear-at", a->appear_at, "when to appear, RFC 3339, e.g. 2027-01-15T09:00:00+03:00")
      ->required();
  issue->add_option("--place", a->place, "where to appear")->required();
  issue->add_option("--purpose", a->purpose, "why")->required();
  issue->add_option("--override-reason", a->override_reason,
                    "justify summoning an ineligible person: files an override for another person to approve");
  issue->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Timestamp t, ParseWhen(a->appear_at, "appear_at"));
      IssueRequest r{a->national_id, a->office, a->kind, t, a->place, a->purpose};
      if (!a->override_reason.empty()) {
        MUSTER_ASSIGN_OR_RETURN(OverrideRequest o, svc.overrides().Request(r, a->override_reason, ctx.Acting()));
        if (ctx.json) {
          PrintJson(ToJson(o));
        } else {
          fmt::print("Override {} filed (overrides {}); another person must run `muster override approve {}`\n", o.id,
                     fmt::join(o.reasons, ", "), o.id);
        }
        return Status::Ok();
      }
      MUSTER_ASSIGN_OR_RETURN(Summons s, svc.summons().Issue(r, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(s));
      } else {
        fmt::print("Issued summons {} ({})\n", s.number, SummonsStateName(s.state));
      }
      return Status::Ok();
    });
  });
  auto* show = summons->add_subcommand("show", "show a summons");
  show->add_option("NUMBER", a->number)->required();
  show->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Summons s, svc.summons().Get(a->number, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(s));
      } else {
        PrintSummons(s);
      }
      return Status::Ok();
    });
  });
  auto* list = summons->add_subcommand("list", "list a person's summonses, newest first");
  list->add_option("NATIONAL_ID", a->national_id)->required();
  list->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain&, Store& store, const Policy&) -> Status {
      std::vector<Summons> list;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_RETURN_IF_ERROR(tx.persons().Get(a->national_id).status());
        MUSTER_ASSIGN_OR_RETURN(list, tx.summonses().ListOfPerson(a->national_id));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& s : list) j.push_back(ToJson(s));
        PrintJson(j);
        return Status::Ok();
      }
      for (const auto& s : list) {
        fmt::print("{}  {:<10} {}  {}\n", s.number, SummonsStateName(s.state), FormatTimestamp(s.appear_at), s.purpose);
      }
      return Status::Ok();
    });
  });
  auto* view = summons->add_subcommand("view", "record the citizen's first opening of a summons (as the portal does)");
  view->add_option("NUMBER", a->number)->required();
  view->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Summons s, svc.summons().View(a->number, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(s));
      } else {
        fmt::print("Summons {} viewed at {}\n", s.number, FormatTimestamp(*s.viewed_at));
      }
      return Status::Ok();
    });
  });
  auto* cancel = summons->add_subcommand("cancel", "cancel a summons, lifting what it imposed");
  cancel->add_option("NUMBER", a->number)->required();
  cancel->add_option("--reason", a->reason, "why")->required();
  cancel->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Summons s, svc.summons().Cancel(a->number, a->reason, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(s));
      } else {
        fmt::print("Summons {} cancelled\n", s.number);
      }
      return Status::Ok();
    });
  });

  auto* ovr = app.add_subcommand("override", "approve or reject an eligibility override (four eyes)");
  ovr->require_subcommand(1);
  auto* approve = ovr->add_subcommand("approve", "approve an override and issue its summons");
  approve->add_option("ID", a->id)->required();
  approve->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Summons s, svc.overrides().Approve(OverrideId(a->id), ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(s));
      } else {
        fmt::print("Override {} approved; issued summons {}\n", a->id, s.number);
      }
      return Status::Ok();
    });
  });
  auto* reject = ovr->add_subcommand("reject", "reject an override");
  reject->add_option("ID", a->id)->required();
  reject->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(OverrideRequest o, svc.overrides().Reject(OverrideId(a->id), ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(o));
      } else {
        fmt::print("Override {} rejected\n", o.id);
      }
      return Status::Ok();
    });
  });

  auto* appear = app.add_subcommand("appear", "record that the person appeared; lifts what the summons imposed");
  appear->add_option("NUMBER", a->number)->required();
  appear->add_option("--at", a->at, "when, RFC 3339 (default now)");
  appear->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      std::optional<Timestamp> at;
      if (!a->at.empty()) {
        MUSTER_ASSIGN_OR_RETURN(at, ParseWhen(a->at, "at"));
      }
      MUSTER_ASSIGN_OR_RETURN(Summons s, svc.summons().Appear(a->number, at, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(s));
      } else {
        fmt::print("Summons {}: appeared at {}\n", s.number, FormatTimestamp(*s.appeared_at));
      }
      return Status::Ok();
    });
  });

  auto* sweep = app.add_subcommand("sweep", "mark overdue summonses no_show and impose the policy's restrictions");
  sweep->add_option("--now", a->now, "treat this RFC 3339 time as now (default: the clock)");
  sweep->callback([&ctx, &exit_code, a] {
    WithBulkService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      Timestamp now = ctx.clock.Now();
      if (!a->now.empty()) {
        MUSTER_ASSIGN_OR_RETURN(now, ParseWhen(a->now, "now"));
      }
      Progress progress("sweeping overdue summonses");
      auto swept = svc.sweep().Sweep(now, ctx.actor.empty() ? "system:sweep" : ctx.Actor(),
                                     [&](size_t done, size_t total) { progress.Update(done, total); });
      progress.Finish();
      MUSTER_ASSIGN_OR_RETURN(SweepSummary s, std::move(swept));
      if (ctx.json) {
        PrintJson(
            {{"delivered", s.delivered}, {"no_show", s.no_show}, {"restrictions_imposed", s.restrictions_imposed}});
      } else {
        fmt::print("sweep: {} delivered, {} no-show, {} restrictions imposed\n", s.delivered, s.no_show,
                   s.restrictions_imposed);
      }
      return Status::Ok();
    });
  });

  auto* restriction = app.add_subcommand("restriction", "restrictions with their history");
  restriction->require_subcommand(1);
  auto* rlist = restriction->add_subcommand("list", "a person's restrictions, imposed and lifted");
  rlist->add_option("NATIONAL_ID", a->national_id)->required();
  rlist->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain&, Store& store, const Policy&) -> Status {
      std::vector<Restriction> list;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_RETURN_IF_ERROR(tx.persons().Get(a->national_id).status());
        MUSTER_ASSIGN_OR_RETURN(list, tx.restrictions().ListOfPerson(a->national_id));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& r : list) j.push_back(ToJson(r));
        PrintJson(j);
        return Status::Ok();
      }
      for (const auto& r : list) {
        fmt::print(
            "{:>6}  {:<10} summons {}  from {}  {}\n", r.id, r.kind, r.summons_number, FormatTimestamp(r.effective_at),
            r.lifted_at ? fmt::format("lifted {} ({})", FormatTimestamp(*r.lifted_at), r.lift_reason) : "active");
      }
      return Status::Ok();
    });
  });

  auto* exit_check = app.add_subcommand("exit-check", "may this person leave the country? answers allow or deny");
  exit_check->add_option("NATIONAL_ID", a->national_id)->required();
  exit_check->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_RETURN_IF_ERROR(svc.exit_checks().LoadExitBans());
      MUSTER_ASSIGN_OR_RETURN(ExitCheckAnswer answer, svc.exit_checks().ExitCheck(a->national_id, ctx.Actor()));
      MUSTER_RETURN_IF_ERROR(svc.exit_checks().FlushExitChecks());
      if (ctx.json) {
        PrintJson({{"decision", answer.allow ? "allow" : "deny"}, {"reference", answer.reference()}});
      } else {
        fmt::print("{} {}\n", answer.allow ? "allow" : "deny", answer.reference());
      }
      return Status::Ok();
    });
  });
}

void AddAppealCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto a = std::make_shared<IssueArgs>();
  auto* appeal = app.add_subcommand("appeal", "file and decide appeals");
  appeal->require_subcommand(1);
  auto* file = appeal->add_subcommand("file", "appeal a summons");
  file->add_option("NUMBER", a->number)->required();
  file->add_option("--reason", a->reason, "illness, ineligible, wrong_person, deferment or other")->required();
  file->add_option("--text", a->text, "the appeal in the person's words")->required();
  file->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      auto reason = ParseAppealReason(a->reason);
      if (!reason) {
        return Status::InvalidArgument(
            "reason", fmt::format("'{}' is not one of illness, ineligible, wrong_person, deferment, other", a->reason));
      }
      MUSTER_ASSIGN_OR_RETURN(Appeal ap, svc.appeals().File(a->number, *reason, a->text, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(ap));
      } else {
        fmt::print("Appeal {} filed against summons {}\n", ap.id, ap.summons_number);
      }
      return Status::Ok();
    });
  });
  auto* decide = appeal->add_subcommand("decide", "grant or deny an appeal (not by the summons' issuer)");
  decide->add_option("ID", a->id)->required();
  auto* grant = decide->add_flag("--grant", a->grant, "grant: the summons is excused and its restrictions lifted");
  auto* deny = decide->add_flag("--deny", a->deny, "deny");
  grant->excludes(deny);
  decide->add_option("--reason", a->reason, "the decision's reasons")->required();
  decide->callback([&ctx, &exit_code, a] {
    if (a->grant == a->deny) {
      exit_code = Fail(ctx, Status::InvalidArgument("give exactly one of --grant or --deny"));
      return;
    }
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Appeal ap, svc.appeals().Decide(AppealId(a->id), a->grant, a->reason, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(ap));
      } else {
        fmt::print("Appeal {} {}\n", ap.id, AppealStateName(ap.state));
      }
      return Status::Ok();
    });
  });
  auto* list = appeal->add_subcommand("list", "list appeals, oldest first");
  list->add_flag("--pending", a->pending, "only those awaiting a decision");
  list->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain&, Store& store, const Policy&) -> Status {
      std::vector<Appeal> list;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        AppealFilter filter;
        if (a->pending) filter.state = AppealState::kPending;
        MUSTER_ASSIGN_OR_RETURN(list, tx.appeals().List(filter));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& ap : list) j.push_back(ToJson(ap));
        PrintJson(j);
        return Status::Ok();
      }
      for (const auto& ap : list) {
        fmt::print("{:>6}  {}  {:<12} {:<8} {}\n", ap.id, ap.summons_number, AppealReasonName(ap.reason),
                   AppealStateName(ap.state), ap.text);
      }
      return Status::Ok();
    });
  });
}

void AddCorrectionCommands(CLI::App& app, Context& ctx, int& exit_code) {
  struct Args {
    std::string national_id, field, value, explanation, reason, district;
    int64_t id = 0;
    bool approve = false, reject = false, pending = false;
  };
  auto a = std::make_shared<Args>();
  auto* correction = app.add_subcommand("correction", "requests to correct a person's registry data");
  correction->require_subcommand(1);
  auto* request = correction->add_subcommand("request", "ask to correct one field of a person's data");
  request->add_option("NATIONAL_ID", a->national_id)->required();
  request->add_option("--field", a->field, std::string(CorrectableFields()))->required();
  request->add_option("--value", a->value, "the correct value (checked as on import)")->required();
  request->add_option("--explanation", a->explanation, "why, and which document shows it");
  request->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(CorrectionRequest c, svc.corrections().Request(a->national_id, a->field, a->value,
                                                                             a->explanation, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(c));
      } else {
        fmt::print("Correction request {} filed: {} of {}\n", c.id, c.field, c.national_id);
      }
      return Status::Ok();
    });
  });
  auto* decide = correction->add_subcommand("decide", "approve (the person is changed) or reject a request");
  decide->add_option("ID", a->id)->required();
  auto* approve = decide->add_flag("--approve", a->approve, "approve: the person's data is corrected");
  auto* reject = decide->add_flag("--reject", a->reject, "reject (give --reason)");
  approve->excludes(reject);
  decide->add_option("--reason", a->reason, "why; required to reject");
  decide->callback([&ctx, &exit_code, a] {
    if (a->approve == a->reject) {
      exit_code = Fail(ctx, Status::InvalidArgument("give exactly one of --approve or --reject"));
      return;
    }
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(CorrectionRequest c,
                              svc.corrections().Decide(a->id, a->approve, a->reason, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(c));
      } else {
        fmt::print("Correction request {} {}\n", c.id, CorrectionStateName(c.state));
      }
      return Status::Ok();
    });
  });
  auto* list = correction->add_subcommand("list", "list correction requests, oldest first");
  list->add_flag("--pending", a->pending, "only those awaiting a decision");
  list->add_option("--district", a->district, "only persons of this district");
  list->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain&, Store& store, const Policy&) -> Status {
      CorrectionFilter filter;
      if (a->pending) filter.state = CorrectionState::kPending;
      if (!a->district.empty()) filter.districts = {a->district};
      filter.limit = 100000;
      std::vector<CorrectionRequest> list;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(list, tx.corrections().List(filter));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& c : list) j.push_back(ToJson(c));
        PrintJson(j);
        return Status::Ok();
      }
      for (const auto& c : list) {
        fmt::print("{:>6}  {}  {:<4} {:<11} {:<9} {}\n", c.id, c.national_id, c.district, c.field,
                   CorrectionStateName(c.state), c.proposed_value);
      }
      return Status::Ok();
    });
  });
}

void AddCampaignCommands(CLI::App& app, Context& ctx, int& exit_code) {
  struct Args {
    Campaign c;
    std::string districts, age, categories, fitness, from, until;
    int64_t id = 0;
    // As the sweep's: a larger transaction writes the pages its rows share once. `serve` keeps
    // 5,000 (its --batch-size), so that requests wait less for a campaign job's batch.
    size_t batch = 20000;
  };
  auto a = std::make_shared<Args>();
  auto* campaign = app.add_subcommand("campaign", "create, preview and issue campaigns");
  campaign->require_subcommand(1);
  auto* create = campaign->add_subcommand("create", "create a campaign (nothing is issued yet)");
  create->add_option("--kind", a->c.kind, "campaign kind of the policy")->required();
  create->add_option("--name", a->c.name, "display name")->required();
  create->add_option("--basis", a->c.basis, "the order or decree it rests on")->required();
  create->add_option("--districts", a->districts, "office codes, comma-separated")->required();
  create->add_option("--age", a->age, "MIN-MAX ages on the appearance day (default: the policy's for the kind)");
  create->add_option("--categories", a->categories, "conscript,reservist (default both)");
  create->add_option("--fitness", a->fitness, "fitness categories (default: the policy's eligible ones)");
  create->add_option("--quota", a->c.quota, "at most this many summonses (0: no limit)");
  create->add_option("--appear-from", a->from, "first appointment day, YYYY-MM-DD")->required();
  create->add_option("--appear-until", a->until, "last appointment day, YYYY-MM-DD")->required();
  create->add_option("--place", a->c.place, "where to appear (default: the office)");
  create->add_option("--purpose", a->c.purpose, "why (default: the name)");
  create->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      Campaign c = a->c;
      c.districts = SplitList(a->districts);
      c.categories = SplitList(a->categories);
      c.fitness = SplitList(a->fitness);
      if (!a->age.empty()) {
        int lo = 0, hi = 0;
        char dash = 0;
        std::istringstream in(a->age);
        if (!(in >> lo >> dash >> hi) || dash != '-' || !in.eof()) {
          return Status::InvalidArgument("age", fmt::format("'{}' is not MIN-MAX, e.g. 18-30", a->age));
        }
        c.age_min = lo;
        c.age_max = hi;
      }
      auto from = ParseCivilDate(a->from);
      if (!from.ok()) return from.status().WithContext("appear_from");
      auto until = ParseCivilDate(a->until);
      if (!until.ok()) return until.status().WithContext("appear_until");
      c.appear_from = *from;
      c.appear_until = *until;
      MUSTER_ASSIGN_OR_RETURN(Campaign created, svc.campaigns().Create(c, ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(created));
      } else {
        fmt::print("Campaign {} created: {} ({}), districts {}, ages {}-{}\n", created.id, created.name, created.kind,
                   fmt::join(created.districts, ","), created.age_min, created.age_max);
      }
      return Status::Ok();
    });
  });
  auto* show = campaign->add_subcommand("show", "show a campaign and its summonses by state");
  show->add_option("ID", a->id)->required();
  show->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store& store, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(Campaign c, svc.campaigns().Get(CampaignId(a->id), ctx.Acting()));
      std::vector<std::pair<std::string, int64_t>> counts;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(counts, tx.reports().CountSummonsByState(c.id.value));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = ToJson(c);
        j["summonses"] = nlohmann::json::object();
        for (const auto& [state, n] : counts) j["summonses"][state] = n;
        PrintJson(j);
        return Status::Ok();
      }
      fmt::print("Campaign {}: {} ({})\n  basis      {}\n  districts  {}\n  ages       {}-{}\n  window     {} to {}\n",
                 c.id, c.name, c.kind, c.basis, fmt::join(c.districts, ","), c.age_min, c.age_max,
                 FormatCivilDate(c.appear_from), FormatCivilDate(c.appear_until));
      for (const auto& [state, n] : counts) fmt::print("  {:<10} {}\n", state, n);
      return Status::Ok();
    });
  });
  auto* preview = campaign->add_subcommand("preview", "who would be summoned and why others not, without writing");
  preview->add_option("ID", a->id)->required();
  preview->callback([&ctx, &exit_code, a] {
    WithService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(CampaignPlan plan, svc.campaigns().Preview(CampaignId(a->id), ctx.Acting()));
      if (ctx.json) {
        PrintJson(ToJson(plan));
      } else {
        PrintPlan(plan, "preview");
      }
      return Status::Ok();
    });
  });
  auto* issue = campaign->add_subcommand("issue", "issue the campaign's summonses (idempotent, resumable)");
  issue->add_option("ID", a->id)->required();
  issue->add_option("--batch-size", a->batch, "summonses per transaction (default 20000)")
      ->check(CLI::Range(1, 1000000));
  issue->callback([&ctx, &exit_code, a] {
    WithBulkService(ctx, exit_code, [&](app::Domain& svc, Store&, const Policy&) -> Status {
      Progress progress("issuing summonses");
      auto plan = svc.campaigns().Issue(
          CampaignId(a->id), ctx.Acting(), [&](size_t done, size_t total) { progress.Update(done, total); }, a->batch);
      progress.Finish();
      if (!plan.ok()) return plan.status();
      if (ctx.json) {
        PrintJson(ToJson(*plan));
      } else {
        PrintPlan(*plan, "issue");
      }
      return Status::Ok();
    });
  });
}

}  // namespace

void AddLifecycleCommands(CLI::App& app, Context& ctx, int& exit_code) {
  AddDefermentCommands(app, ctx, exit_code);
  AddSummonsCommands(app, ctx, exit_code);
  AddAppealCommands(app, ctx, exit_code);
  AddCorrectionCommands(app, ctx, exit_code);
  AddCampaignCommands(app, ctx, exit_code);
}

}  // namespace muster::cli
