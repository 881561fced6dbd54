// The call trees of two profiles merged, for a differential flame graph.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "paybench/reports/flame_tree.h"
#include "paybench/reports/folded_stacks.h"

namespace paybench::reports {

// A frame of either profile's call tree. A frame that one profile lacks has 0 samples there.
struct DiffNode {
  std::string name;
  std::uint64_t base_samples = 0;   // including callees, in the base profile
  std::uint64_t other_samples = 0;  // including callees, in the other profile
  std::vector<DiffNode> children;  // sorted by name, byte-wise
};

// Merges the call trees of `base` and `other` (see build_flame_tree): nodes with the same path
// from the root become one node.
DiffNode build_diff_tree(const FoldedProfile& base, const FoldedProfile& other);

// Returns `samples` as a fraction of `total_samples`, or 0 when the total is 0.
double sample_share(std::uint64_t samples, std::uint64_t total_samples);

// Returns the change in the node's share of all samples from base to other, as a fraction.
// +0.05 means that the frame has 5 percentage points more of `other`'s samples than of
// `base`'s. The totals are the roots' samples.
double share_change(const DiffNode& node, const DiffNode& root);

}  // namespace paybench::reports
