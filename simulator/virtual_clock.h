// The virtual clock that replays run on. Internal to paybench_simulator.
#pragma once

#include <chrono>

namespace paybench::simulator::detail {

// The steady_clock time of the timeline's start (at_ms 0). It lies an hour after the clock's
// epoch, because a component may use a default-constructed time_point to mean "not set".
inline constexpr std::chrono::steady_clock::time_point kTimelineStart{std::chrono::hours(1)};

inline std::chrono::steady_clock::time_point virtual_time(std::chrono::nanoseconds since_start) {
  return kTimelineStart + since_start;
}

}  // namespace paybench::simulator::detail
