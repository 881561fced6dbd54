// metrics/registry_lookup: find a labelled counter by name and labels, then increment it, as a
// handler does when it counts a request by route and status code.
//
// The registry contains one counter family, http_requests_total, with 10 routes x 5 status codes =
// 50 series. Each operation looks one of them up, cycling through the 50 in a fixed order.
// - mutex_string_map: the naive version, which builds a std::string key from the name and the
//   labels and looks it up in a std::unordered_map under a std::mutex.
// - registry_find: MetricsRegistry::find_counter, which hashes the caller's strings in place.
// Both increment the same kind of counter (ShardedCounter), so the difference is the lookup.
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "paybench/engine/workload.h"
#include "paybench/metrics/counter.h"
#include "paybench/metrics/metrics_registry.h"

namespace {

using paybench::engine::State;

constexpr std::string_view kName = "http_requests_total";
constexpr std::array<std::string_view, 10> kRoutes = {
    "/pay",    "/refund",  "/capture", "/void",     "/authorize",
    "/status", "/webhook", "/payout",  "/balance", "/settlement"};
constexpr std::array<std::string_view, 5> kCodes = {"200", "201", "400", "409", "503"};
constexpr std::size_t kSeriesCount = kRoutes.size() * kCodes.size();

std::string_view route_of(std::size_t series) { return kRoutes[series % kRoutes.size()]; }
std::string_view code_of(std::size_t series) { return kCodes[series / kRoutes.size()]; }

// The naive registry: one std::string key per series, built on every lookup.
class MutexStringMap {
 public:
  MutexStringMap() {
    for (std::size_t series = 0; series < kSeriesCount; ++series) {
      counters_.emplace(key(kName, route_of(series), code_of(series)),
                        std::make_unique<paybench::ShardedCounter>());
    }
  }

  paybench::ShardedCounter* find(std::string_view name, std::string_view route,
                                 std::string_view code) {
    const std::string requested = key(name, route, code);
    std::lock_guard lock(mutex_);
    const auto found = counters_.find(requested);
    return found == counters_.end() ? nullptr : found->second.get();
  }

 private:
  static std::string key(std::string_view name, std::string_view route, std::string_view code) {
    std::string text(name);
    text += "{code=\"";
    text += code;
    text += "\",route=\"";
    text += route;
    text += "\"}";
    return text;
  }

  std::mutex mutex_;
  // Guarded by mutex_ for lookups. The counters themselves are thread-safe.
  std::unordered_map<std::string, std::unique_ptr<paybench::ShardedCounter>> counters_;
};

struct MutexStringMapUse {
  static paybench::ShardedCounter* find(std::string_view route, std::string_view code) {
    static MutexStringMap map;
    return map.find(kName, route, code);
  }
};

struct RegistryUse {
  static paybench::ShardedCounter* find(std::string_view route, std::string_view code) {
    static const std::unique_ptr<paybench::MetricsRegistry> registry = [] {
      auto filled = std::make_unique<paybench::MetricsRegistry>();
      for (std::size_t series = 0; series < kSeriesCount; ++series) {
        filled->register_counter(kName, "Requests handled, by route and status code.",
                                 {{"route", route_of(series)}, {"code", code_of(series)}});
      }
      return filled;
    }();
    return registry->find_counter(kName, {{"route", route}, {"code", code}});
  }
};

template <class Use>
void run(State& state) {
  std::size_t series = static_cast<std::size_t>(state.thread_index()) * 7;
  std::int64_t missing = 0;
  for (auto _ : state) {
    paybench::ShardedCounter* counter = Use::find(route_of(series), code_of(series));
    if (counter != nullptr) [[likely]] {
      counter->increment();
    } else {
      ++missing;
    }
    series = series + 1 == kSeriesCount ? 0 : series + 1;
  }
  state.set_items_processed(state.iterations());

  if (missing != 0) {
    state.skip_with_error(std::to_string(missing) + " lookups found no counter, expected every "
                          "one of the " + std::to_string(kSeriesCount) + " series to be found");
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "metrics",
    .name = "registry_lookup",
    .description = "find a counter by name and 2 labels among 50 series, then increment it",
    .threads = {1, 2},
    .variants = {{"mutex_string_map", "std::string key built per lookup, unordered_map + mutex",
                  &run<MutexStringMapUse>},
                 {"registry_find", "MetricsRegistry::find_counter, no allocation, no lock",
                  &run<RegistryUse>}},
    .baseline = "mutex_string_map",
    .min_repetitions = 9,
}};

}  // namespace
