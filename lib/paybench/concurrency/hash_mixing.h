// Hash finalizer for choosing a bucket or stripe from the low bits of a hash.

#pragma once

#include <cstddef>
#include <cstdint>

namespace paybench::detail {

// Mixes every input bit into the low bits, using the 64-bit finalizer of MurmurHash3
// (fmix64, by Austin Appleby, public domain). libstdc++'s std::hash for integers is the
// identity, so without mixing, keys that differ only in their high bits would all share one
// bucket of a power-of-two table.
[[nodiscard]] constexpr std::size_t mix_hash(std::size_t hash) noexcept {
  std::uint64_t mixed = hash;
  mixed ^= mixed >> 33;
  mixed *= 0xff51afd7ed558ccdULL;
  mixed ^= mixed >> 33;
  mixed *= 0xc4ceb9fe1a85ec53ULL;
  mixed ^= mixed >> 33;
  return static_cast<std::size_t>(mixed);
}

}  // namespace paybench::detail
