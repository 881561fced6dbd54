#include "paybench/engine/heap_allocations.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <string>
#include <tuple>

namespace paybench::engine {
namespace {

struct SiteTotals {
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
};

}  // namespace

bool is_allocator_function(std::string_view function) {
  static constexpr std::array<std::string_view, 12> kExactNames = {
      "malloc",        "calloc",   "realloc", "reallocarray", "free",   "posix_memalign",
      "aligned_alloc", "memalign", "valloc",  "pvalloc",      "strdup", "strndup"};
  static constexpr std::array<std::string_view, 6> kPrefixes = {
      "operator new",  "operator delete", "tc_", "__libc_", "[libtcmalloc",
      "paybench::engine::detail::count_allocation"};

  const bool exact = std::find(kExactNames.begin(), kExactNames.end(), function) != kExactNames.end();
  const bool prefixed = std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view prefix) {
    return function.starts_with(prefix);
  });
  return exact || prefixed;
}

NamedAllocations name_allocations(
    const std::map<std::vector<std::uint64_t>, AllocationDelta>& allocations,
    const Symbolizer& symbolizer, std::int64_t iterations) {
  assert(iterations > 0 && "name_allocations() needs the iterations of the measured regions");

  NamedAllocations named;
  std::map<std::string, SiteTotals> by_site;
  for (const auto& [stack, delta] : allocations) {
    // The file lists the allocator's caller first; folded stacks list the root first.
    std::vector<std::string> frames;
    frames.reserve(stack.size());
    for (const std::uint64_t address : stack) {
      std::string name = symbolizer.function_name(address, AddressKind::kReturnAddress);
      std::replace(name.begin(), name.end(), ';', ':');
      frames.push_back(std::move(name));
    }
    std::size_t first_caller = 0;
    while (first_caller + 1 < frames.size() && is_allocator_function(frames[first_caller])) {
      ++first_caller;
    }

    SiteTotals& site = by_site[frames[first_caller]];
    site.objects += delta.objects;
    site.bytes += delta.bytes;
    named.objects += delta.objects;
    named.bytes += delta.bytes;

    reports::FoldedStack folded{.count = delta.bytes};
    folded.frames.assign(frames.rbegin(), frames.rend() - static_cast<std::ptrdiff_t>(first_caller));
    if (folded.count > 0) named.bytes_by_stack.stacks.push_back(std::move(folded));
  }
  named.bytes_by_stack = reports::merge_identical_stacks(named.bytes_by_stack);

  const auto per_op = [iterations](std::uint64_t count) {
    return static_cast<double>(count) / static_cast<double>(iterations);
  };
  for (const auto& [function, totals] : by_site) {
    named.sites.push_back({function, per_op(totals.objects), per_op(totals.bytes)});
  }
  std::sort(named.sites.begin(), named.sites.end(), [](const auto& a, const auto& b) {
    return std::tie(b.allocs_per_op, b.bytes_per_op, a.function) <
           std::tie(a.allocs_per_op, a.bytes_per_op, b.function);
  });
  return named;
}

}  // namespace paybench::engine
