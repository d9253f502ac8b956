// /api/v1/me/...: the citizen's own cabinet. Another person's summons answers 404, as if absent.
#include <fmt/format.h>

#include <algorithm>

#include "api/handlers.hpp"
#include "codec/json.hpp"
#include "summons/document.hpp"

namespace muster::api {
namespace {

// The summons `number` if it is the caller's; NotFound otherwise (the service scopes it).
Result<Summons> OwnSummons(Call& call, std::string_view number) {
  return call.services.domain.summons().Get(number, call.who.Acting());
}

}  // namespace

void MySummonses(Call& call) {
  // The cabinet is a hot path: the answer is written by the appending writer straight into the
  // server's reused body (the bytes SummonsJson would give, without building a tree), and each
  // office's time zone is read once, not once per summons.
  Page page;
  int64_t after_id = 0;
  if (!IdPageQuery(call, page, after_id)) return;
  std::string& out = call.response.body;
  Status st = call.services.store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto list, tx.summonses().ListOfPerson(call.who.national_id));
    MUSTER_ASSIGN_OR_RETURN(nlohmann::json next, CutPage(page, after_id, list));
    std::vector<std::pair<std::string, std::string>> zones;  // office -> time zone; a person has few
    out.clear();
    JsonWriter w(out);
    w.BeginObject().Key("items").BeginArray();
    for (const auto& s : list) {
      auto zone = std::find_if(zones.begin(), zones.end(), [&](const auto& z) { return z.first == s.office; });
      if (zone == zones.end()) {
        MUSTER_ASSIGN_OR_RETURN(Office office, tx.offices().Get(s.office));
        zones.emplace_back(s.office, std::move(office.timezone));
        zone = zones.end() - 1;
      }
      WriteJson(w, s, call.services.policy, zone->second);
    }
    w.EndArray().Key("next_cursor");
    if (next.is_null()) {
      w.Null();
    } else {
      w.String(next.get_ref<const std::string&>());
    }
    w.EndObject();
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
}

void MySummons(Call& call) {
  auto own = OwnSummons(call, call.params.Get("number"));
  if (!own.ok()) return Fail(call, own.status());
  // Opening it is the event that sets viewed_at (once); the service decides what that means.
  auto viewed = call.services.domain.summons().View(own->number, call.who.Acting());
  if (!viewed.ok()) return Fail(call, viewed.status());
  ReplySummons(call, 200, *viewed);
}

void MyReceipt(Call& call) {
  if (!call.services.ledger) {
    return http::WriteProblem(call.response, 503, "the ledger is not configured on this server");
  }
  auto own = OwnSummons(call, call.params.Get("number"));
  if (!own.ok()) return Fail(call, own.status());
  if (!own->delivered_at) {
    return Fail(call, Status::FailedPrecondition("number", "the summons has not been delivered yet"));
  }
  // ?notification=ID: the receipt of that message's final status instead (notify/proof.hpp);
  // ?restriction=ID: of that restriction's lifting, to show at a border post whose list is stale.
  bool for_notification = false, for_lifting = false;
  uint64_t notification_id = 0, restriction_id = 0;
  if (!UintQuery(call, "notification", notification_id, false, &for_notification)) return;
  if (!UintQuery(call, "restriction", restriction_id, false, &for_lifting)) return;
  if (for_notification && for_lifting) {
    return Fail(call,
                Status::InvalidArgument("restriction", "ask for a notification's receipt or a lifting's, not both"));
  }
  // A write: the receipt may need the pending events appended and a checkpoint that covers it.
  ledger::Receipt receipt;
  Status st = call.services.store.Write([&](Tx& tx) -> Status {
    if (for_lifting) {
      MUSTER_ASSIGN_OR_RETURN(receipt,
                              call.services.ledger->LiftedReceipt(tx, own->number, static_cast<int64_t>(restriction_id),
                                                                  SummonsDocument(*own)));
    } else if (for_notification) {
      MUSTER_ASSIGN_OR_RETURN(
          receipt, call.services.ledger->NotificationReceipt(tx, own->number, static_cast<int64_t>(notification_id),
                                                             SummonsDocument(*own)));
    } else {
      MUSTER_ASSIGN_OR_RETURN(receipt, call.services.ledger->DeliveryReceipt(tx, own->number, SummonsDocument(*own)));
    }
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  call.response.SetHeader("Content-Disposition", fmt::format("attachment; filename=\"receipt-{}.json\"", own->number));
  call.response.SetHeader("Cache-Control", "no-store");
  Reply(call, 200, receipt.ToJson());
}

// A citizen's lists are short (a few summonses in a lifetime): each is read whole and cut to the
// page asked for.
template <typename T>
void ReplyPage(Call& call, std::vector<T>& list, const Page& page, int64_t after_id) {
  auto next = CutPage(page, after_id, list);
  if (!next.ok()) return Fail(call, next.status());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : list) items.push_back(ToJson(item));
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(*next)}});
}

void MyRestrictions(Call& call) {
  Page page;
  int64_t after_id = 0;
  if (!IdPageQuery(call, page, after_id)) return;
  std::vector<Restriction> list;
  Status st = call.services.store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(list, tx.restrictions().ListOfPerson(call.who.national_id));
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  ReplyPage(call, list, page, after_id);
}

void MyAppeals(Call& call) {
  Page page;
  int64_t after_id = 0;
  if (!IdPageQuery(call, page, after_id)) return;
  std::vector<Appeal> list;
  Status st = call.services.store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto summonses, tx.summonses().ListOfPerson(call.who.national_id));
    for (const auto& s : summonses) {
      MUSTER_ASSIGN_OR_RETURN(auto appeals, tx.appeals().List({.summons_id = s.id}));
      for (auto& a : appeals) list.push_back(std::move(a));
    }
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  ReplyPage(call, list, page, after_id);
}

void FileMyAppeal(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  std::string number, reason_name, text;
  if (!body->String("summons", number, true, 32) || !body->String("reason", reason_name, true, 32) ||
      !body->String("text", text, false, 10000)) {
    return;
  }
  auto reason = ParseAppealReason(reason_name);
  if (!reason) {
    return Fail(call,
                Status::InvalidArgument("reason", "must be illness, ineligible, wrong_person, deferment or other"));
  }
  auto own = OwnSummons(call, number);
  if (!own.ok()) return Fail(call, own.status(), "summons");
  auto appeal = call.services.domain.appeals().File(own->number, *reason, text, call.who.Acting());
  if (!appeal.ok()) return Fail(call, appeal.status());
  Reply(call, 201, ToJson(*appeal));
}

}  // namespace muster::api
