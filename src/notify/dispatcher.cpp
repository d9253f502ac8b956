#include "notify/dispatcher.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "notify/proof.hpp"

namespace muster::notify {

std::chrono::milliseconds Backoff(int attempts, const DispatcherOptions& o) {
  auto wait = o.first_retry;
  for (int i = 1; i < attempts && wait < o.longest_retry; ++i) wait *= 2;
  return std::min(wait, o.longest_retry);
}

std::string DefaultOwner() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}", host[0] ? host : "localhost", ::getpid());
}

DispatchCounts& DispatchCounts::operator+=(const DispatchCounts& o) {
  claimed += o.claimed;
  delivered += o.delivered;
  temporary_failures += o.temporary_failures;
  permanent_failures += o.permanent_failures;
  lost_leases += o.lost_leases;
  return *this;
}

Dispatcher::Dispatcher(WritePath& writes, const Clock& clock, std::vector<std::unique_ptr<Channel>> channels,
                       DispatcherOptions options)
    : writes_(writes), clock_(clock), channels_(std::move(channels)), options_(std::move(options)) {}

Channel* Dispatcher::ChannelOf(NotificationChannel kind) const {
  for (const auto& c : channels_) {
    if (c->kind() == kind) return c.get();
  }
  return nullptr;
}

Result<DispatchCounts> Dispatcher::Batch() {
  DispatchCounts counts;
  if (channels_.empty()) return counts;
  NotificationClaim claim{
      .owner = options_.owner, .now = clock_.Now(), .lease = options_.lease, .limit = options_.batch};
  for (const auto& c : channels_) claim.channels.push_back(c->kind());
  std::vector<Notification> claimed;
  MUSTER_RETURN_IF_ERROR(writes_.Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(claimed, tx.notifications().Claim(claim));
    return Status::Ok();
  }));
  counts.claimed = claimed.size();
  const Timestamp lease_end = claim.now + options_.lease;
  for (const Notification& n : claimed) {
    // Left for the lease to run out rather than sent when the lease might end mid-send: another
    // dispatcher may take it up then.
    if (clock_.Now() + kLongestSend >= lease_end) break;
    SendResult sent;
    auto t = FindTemplate(n.templ, n.lang);
    auto params = ParamsFromJson(n.params);
    Result<Rendered> rendered = !t.ok()        ? Result<Rendered>(t.status())
                                : !params.ok() ? Result<Rendered>(params.status())
                                               : Render(**t, *params);
    if (!rendered.ok()) {
      sent = {NotificationStatus::kPermanentFailure, "", rendered.status().message()};
    } else {
      sent = ChannelOf(n.channel)->Send(n, *rendered);
    }
    NotificationOutcome outcome{
        .status = sent.status, .reason = sent.reason, .answer = sent.answer, .at = clock_.Now()};
    if (sent.status == NotificationStatus::kTemporaryFailure) {
      if (n.attempts + 1 >= options_.max_attempts) {
        outcome.status = NotificationStatus::kPermanentFailure;
        outcome.reason = fmt::format("gave up after {} attempts: {}", n.attempts + 1, sent.reason);
      } else {
        outcome.next_attempt_at = outcome.at + Backoff(n.attempts + 1, options_);
      }
    }
    // The final status and its event (notify/proof.hpp) commit together; their leaf is appended
    // as a bulk batch's are.
    Status st = writes_.Write(
        [&](Tx& tx) -> Status {
          MUSTER_RETURN_IF_ERROR(tx.notifications().Finish(n.id, options_.owner, outcome));
          return RecordFinalStatus(tx, n, outcome.status, outcome.at, n.attempts + 1, kDispatcherActor);
        },
        WritePath::Kind::kBulk);
    if (st.IsFailedPrecondition()) {
      ++counts.lost_leases;
      continue;
    }
    MUSTER_RETURN_IF_ERROR(st);
    switch (outcome.status) {
      case NotificationStatus::kDelivered:
        ++counts.delivered;
        break;
      case NotificationStatus::kTemporaryFailure:
        ++counts.temporary_failures;
        break;
      default:
        ++counts.permanent_failures;
        break;
    }
  }
  return counts;
}

Result<DispatchCounts> Dispatcher::Pass(std::chrono::milliseconds budget) {
  // An operational timer, not the domain's time: the steady clock, whatever $MUSTER_NOW says.
  const auto start = std::chrono::steady_clock::now();
  DispatchCounts total;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(DispatchCounts counts, Batch());
    total += counts;
    if (counts.claimed < options_.batch || std::chrono::steady_clock::now() - start >= budget) return total;
  }
}

std::vector<std::unique_ptr<Channel>> ChannelsOf(const Deployment& deployment, const Clock& clock) {
  std::vector<std::unique_ptr<Channel>> channels;
  if (deployment.smtp) channels.push_back(MakeSmtpChannel(*deployment.smtp, clock));
  if (deployment.webhook) channels.push_back(MakeWebhookChannel(*deployment.webhook));
  return channels;
}

}  // namespace muster::notify
