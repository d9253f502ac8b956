// The dispatcher: claims a batch of due notifications under a lease (NotificationPort::Claim),
// renders each with its template, sends it through its channel and records the attempt
// (NotificationPort::Finish), one write per message so that a crash repeats at most the message
// being sent. A final status is recorded with its event (notify/proof.hpp) in the same write. Only the channels it was
// given are claimed: without [smtp] the e-mails stay queued.
//
// A temporary failure is tried again after Backoff(attempts); after max_attempts it becomes a
// permanent failure. A message whose template cannot be rendered fails permanently.
//
// Used by one thread at a time (the runner's, or `muster notify run`).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/deployment.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "events/subscriber.hpp"
#include "notify/channels.hpp"
#include "store/write_path.hpp"

namespace muster::notify {

// Who the events of a message's final status (notify/proof.hpp) name as the actor.
inline constexpr std::string_view kDispatcherActor = "system:notify";

struct DispatcherOptions {
  std::string owner;  // the lease holder's name: unique among running dispatchers
  // How long a claimed batch is held. A message is sent only while at least kLongestSend of the
  // lease is left; the rest of the batch waits for the lease to run out.
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  size_t batch = 100;
  std::chrono::milliseconds first_retry{std::chrono::seconds(30)};
  std::chrono::milliseconds longest_retry{std::chrono::hours(6)};
  int max_attempts = 12;
};

// How long after its `attempts`-th failed attempt (1, 2, …) a message is tried again:
// first_retry doubled at every attempt, at most longest_retry.
std::chrono::milliseconds Backoff(int attempts, const DispatcherOptions& options);

// A dispatcher's name for this process: "<host>:<pid>".
std::string DefaultOwner();

struct DispatchCounts {
  size_t claimed = 0;
  size_t delivered = 0;
  size_t temporary_failures = 0;
  size_t permanent_failures = 0;
  size_t lost_leases = 0;  // finished after another dispatcher had taken the message up
  DispatchCounts& operator+=(const DispatchCounts& o);
};

class Dispatcher {
 public:
  // `writes` and `clock` must outlive it. Channels of the same kind: the first counts.
  Dispatcher(WritePath& writes, const Clock& clock, std::vector<std::unique_ptr<Channel>> channels,
             DispatcherOptions options);

  // One batch: what was claimed and how each ended.
  Result<DispatchCounts> Batch();
  // Batches until nothing is due, or until `budget` has passed (at least one batch): a server
  // stopping waits for a round of the dispatcher, so a round must not take a campaign's length.
  Result<DispatchCounts> Pass(std::chrono::milliseconds budget = std::chrono::milliseconds::max());
  bool has_channels() const { return !channels_.empty(); }

 private:
  Channel* ChannelOf(NotificationChannel kind) const;

  WritePath& writes_;
  const Clock& clock_;
  std::vector<std::unique_ptr<Channel>> channels_;
  const DispatcherOptions options_;
};

// The channels the deployment configures (none without [smtp] and [webhook]).
std::vector<std::unique_ptr<Channel>> ChannelsOf(const Deployment& deployment, const Clock& clock);

// The dispatcher as a subscriber of the runner: a Pass of at most `budget` each round.
class DispatchSubscriber final : public events::Subscriber {
 public:
  DispatchSubscriber(std::unique_ptr<Dispatcher> dispatcher, std::chrono::milliseconds budget)
      : dispatcher_(std::move(dispatcher)), budget_(budget) {}
  std::string_view name() const override { return "dispatching notifications"; }
  Status Round() override { return dispatcher_->Pass(budget_).status(); }
  Status Final() override { return Status::Ok(); }  // what is due waits for the next server

 private:
  std::unique_ptr<Dispatcher> dispatcher_;
  const std::chrono::milliseconds budget_;
};

}  // namespace muster::notify
