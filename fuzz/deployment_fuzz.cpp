// The deployment file is written by operators and read at every start: any bytes must give a
// deployment or an error naming the file, never a crash or an exception.
#include "core/deployment.hpp"
#include "fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace muster;
  auto d = ParseDeployment(std::string_view(reinterpret_cast<const char*>(data), size), "deploy.toml", "/nonexistent");
  if (!d.ok()) {
    if (!d.status().message().starts_with("deploy.toml")) {
      fuzz::Crash(fmt::format("an error that does not name the file: {}", d.status().message()));
    }
    return 0;
  }
  if (d->smtp && (d->smtp->host.empty() || d->smtp->port == 0)) fuzz::Crash("an SMTP relay without host or port");
  if (d->webhook && d->webhook->secret.empty()) fuzz::Crash("a webhook without its secret");
  return 0;
}
