#include "paybench/reports/flame_diff.h"

#include <utility>

namespace paybench::reports {
namespace {

DiffNode diff_of_one_side(const FlameNode& node, bool is_base) {
  DiffNode diff{.name = node.name};
  (is_base ? diff.base_samples : diff.other_samples) = node.total_samples;
  diff.children.reserve(node.children.size());
  for (const FlameNode& child : node.children) {
    diff.children.push_back(diff_of_one_side(child, is_base));
  }
  return diff;
}

// Merges two nodes with the same path. Both child lists are sorted by name, so one merge pass
// pairs the children that both sides have and keeps the order.
DiffNode merge_nodes(const FlameNode& base, const FlameNode& other) {
  DiffNode diff{.name = base.name,
                .base_samples = base.total_samples,
                .other_samples = other.total_samples};
  auto base_child = base.children.begin();
  auto other_child = other.children.begin();
  while (base_child != base.children.end() || other_child != other.children.end()) {
    const bool base_only =
        other_child == other.children.end() ||
        (base_child != base.children.end() && base_child->name < other_child->name);
    const bool other_only =
        base_child == base.children.end() ||
        (other_child != other.children.end() && other_child->name < base_child->name);

    if (base_only) {
      diff.children.push_back(diff_of_one_side(*base_child++, /*is_base=*/true));
    } else if (other_only) {
      diff.children.push_back(diff_of_one_side(*other_child++, /*is_base=*/false));
    } else {
      diff.children.push_back(merge_nodes(*base_child++, *other_child++));
    }
  }
  return diff;
}

}  // namespace

DiffNode build_diff_tree(const FoldedProfile& base, const FoldedProfile& other) {
  return merge_nodes(build_flame_tree(base), build_flame_tree(other));
}

double sample_share(std::uint64_t samples, std::uint64_t total_samples) {
  if (total_samples == 0) {
    return 0;
  }
  return static_cast<double>(samples) / static_cast<double>(total_samples);
}

double share_change(const DiffNode& node, const DiffNode& root) {
  return sample_share(node.other_samples, root.other_samples) -
         sample_share(node.base_samples, root.base_samples);
}

}  // namespace paybench::reports
