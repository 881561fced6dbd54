#include "paybench/engine/allocation_counter.h"

#include <atomic>

namespace paybench::engine {
namespace {

// Set by the allocation hooks before main; read by the runner.
std::atomic<bool> g_counting_active{false};

}  // namespace

bool allocation_counting_active() noexcept {
  return g_counting_active.load(std::memory_order_relaxed);
}

namespace detail {

void mark_allocation_counting_active() noexcept {
  g_counting_active.store(true, std::memory_order_relaxed);
}

}  // namespace detail
}  // namespace paybench::engine
