// The call tree that a flame graph draws: folded stacks merged frame by frame from the root.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "paybench/reports/folded_stacks.h"

namespace paybench::reports {

// Name of the root frame that every stack hangs from, as in flamegraph.pl.
inline constexpr const char* kFlameRootName = "all";

// One frame of the call tree: every stack whose frames, from the root, start with the path to
// this node. Samples are counts of stack samples, so `total_samples` includes the callees.
struct FlameNode {
  std::string name;
  std::uint64_t total_samples = 0;
  std::uint64_t self_samples = 0;  // stacks that end at this frame
  std::vector<FlameNode> children;  // sorted by name, byte-wise, as flamegraph.pl sorts them
};

// Builds the call tree of `profile` under a root named kFlameRootName. Stacks that share a path
// from the root share its nodes, so a frame name appears once per parent, and identical stacks
// on several lines add up. The root's total_samples equals profile.total(). A stack of 0 samples
// adds no node, and a stack without frames counts as the root's self samples.
FlameNode build_flame_tree(const FoldedProfile& profile);

// Returns the number of nodes in the tree, the root included.
std::size_t count_flame_nodes(const FlameNode& root);

}  // namespace paybench::reports
