#include "paybench/reports/flame_tree.h"

#include <algorithm>
#include <numeric>

namespace paybench::reports {

FlameNode build_flame_tree(const FoldedProfile& profile) {
  // The stacks are visited in lexicographic order of their frames. Then the only nodes that a
  // stack can share are those on the previous stack's path, and children come out sorted by
  // name without a lookup.
  std::vector<std::size_t> order(profile.stacks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t left, std::size_t right) {
    return profile.stacks[left].frames < profile.stacks[right].frames;
  });

  FlameNode root;
  root.name = kFlameRootName;

  // path[0] is the root and path[d] the frame at depth d of the previous stack. A push_back into
  // path[d]->children moves only nodes below depth d, which have just been dropped from `path`.
  std::vector<FlameNode*> path = {&root};
  const std::vector<std::string>* previous_frames = nullptr;
  for (const std::size_t index : order) {
    const FoldedStack& stack = profile.stacks[index];
    const std::uint64_t samples = stack.count;
    if (samples == 0) {
      continue;
    }

    std::size_t shared = 0;
    if (previous_frames != nullptr) {
      const auto first_difference =
          std::mismatch(stack.frames.begin(), stack.frames.end(), previous_frames->begin(),
                        previous_frames->end())
              .first;
      shared = static_cast<std::size_t>(first_difference - stack.frames.begin());
    }
    path.resize(shared + 1);

    for (std::size_t depth = shared; depth < stack.frames.size(); ++depth) {
      FlameNode& parent = *path.back();
      parent.children.push_back(FlameNode{.name = stack.frames[depth]});
      path.push_back(&parent.children.back());
    }
    for (FlameNode* node : path) {
      node->total_samples += samples;
    }
    path.back()->self_samples += samples;
    previous_frames = &stack.frames;
  }
  return root;
}

std::size_t count_flame_nodes(const FlameNode& root) {
  std::size_t count = 1;
  for (const FlameNode& child : root.children) {
    count += count_flame_nodes(child);
  }
  return count;
}

}  // namespace paybench::reports
