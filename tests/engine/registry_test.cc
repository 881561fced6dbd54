#include "paybench/engine/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace paybench::engine {
namespace {

void noop(State&) {}

Workload valid_workload() {
  return Workload{
      .family = "testing",
      .name = "sample",
      .description = "a sample workload",
      .parameters = {{"size", {8, 16}}, {"batch", {1, 4}}},
      .threads = {1, 2},
      .variants = {{"base", "baseline", &noop}, {"fast", "candidate", &noop}},
      .baseline = "base",
  };
}

TEST(Registry, ExpandsVariantsParametersAndThreads) {
  Registry registry;
  registry.add(valid_workload());
  const auto instances = registry.instances();
  ASSERT_EQ(instances.size(), 2u * 2u * 2u * 2u);
  EXPECT_EQ(instances.front().name(), "testing/sample/base/size:8/batch:1/threads:1");
  EXPECT_EQ(instances.back().name(), "testing/sample/fast/size:16/batch:4/threads:2");
}

TEST(Registry, NameKeepsDeclaredParameterOrder) {
  Registry registry;
  registry.add(valid_workload());
  // "size" is declared before "batch", although "batch" sorts first.
  EXPECT_EQ(registry.instances().front().name_without_threads(),
            "testing/sample/base/size:8/batch:1");
}

TEST(Registry, ThreadOverrideAppliesToMultiThreadedOnly) {
  Registry registry;
  registry.add(valid_workload());
  Workload single = valid_workload();
  single.name = "single";
  single.threads = {1};
  registry.add(single);

  int multi_with_four = 0;
  int single_with_four = 0;
  for (const auto& instance : registry.instances({4})) {
    const bool is_single = instance.workload->name == "single";
    if (instance.threads == 4) ++(is_single ? single_with_four : multi_with_four);
  }
  EXPECT_EQ(multi_with_four, 8);
  EXPECT_EQ(single_with_four, 0);
}

TEST(Registry, VariantRunsOnlyWhereItApplies) {
  Registry registry;
  Workload workload = valid_workload();
  workload.variants[1].applies = [](const std::map<std::string, std::int64_t>& params) {
    return params.at("size") == 8;
  };
  registry.add(workload);

  int fast_instances = 0;
  for (const auto& instance : registry.instances()) {
    if (instance.variant->name != "fast") continue;
    ++fast_instances;
    EXPECT_EQ(instance.params.at("size"), 8) << instance.name();
  }
  EXPECT_EQ(fast_instances, 2 * 2);
  EXPECT_EQ(registry.instances().size(), 2u * 2u * 2u + 2u * 2u);
}

TEST(Registry, ParameterOverrideReplacesValues) {
  Registry registry;
  registry.add(valid_workload());
  const auto instances = registry.instances({}, {{"size", {3, 5, 7}}, {"unused", {1}}});
  ASSERT_EQ(instances.size(), 3u * 2u * 2u * 2u);
  for (const auto& instance : instances) {
    const auto size = instance.params.at("size");
    EXPECT_TRUE(size == 3 || size == 5 || size == 7) << instance.name();
    EXPECT_FALSE(instance.params.contains("unused")) << instance.name();
  }
}

TEST(Registry, ComparedVariantsDefaultToAllButBaseline) {
  Workload workload = valid_workload();
  workload.variants.push_back({"other", "another", &noop});
  EXPECT_EQ(workload.compared_variants(), (std::vector<std::string>{"fast", "other"}));
  workload.candidates = {"other"};
  EXPECT_EQ(workload.compared_variants(), (std::vector<std::string>{"other"}));
}

TEST(Registry, WorkloadsSortedByFamilyThenName) {
  Registry registry;
  Workload second = valid_workload();
  second.name = "zeta";
  registry.add(second);
  registry.add(valid_workload());
  const auto workloads = registry.workloads();
  ASSERT_EQ(workloads.size(), 2u);
  EXPECT_EQ(workloads[0]->name, "sample");
  EXPECT_EQ(workloads[1]->name, "zeta");
}

struct InvalidCase {
  const char* what;
  void (*mutate)(Workload&);
};

TEST(Registry, RejectsInvalidWorkloads) {
  const InvalidCase cases[] = {
      {"one variant", [](Workload& w) { w.variants.pop_back(); }},
      {"unknown baseline", [](Workload& w) { w.baseline = "missing"; }},
      {"duplicate variant", [](Workload& w) { w.variants[1].name = "base"; }},
      {"variant without function", [](Workload& w) { w.variants[1].run = nullptr; }},
      {"uppercase name", [](Workload& w) { w.name = "Sample"; }},
      {"reserved parameter", [](Workload& w) { w.parameters[0].name = "threads"; }},
      {"parameter without values", [](Workload& w) { w.parameters[0].values.clear(); }},
      {"zero threads", [](Workload& w) { w.threads = {0}; }},
      {"candidate is baseline", [](Workload& w) { w.candidates = {"base"}; }},
      {"empty description", [](Workload& w) { w.description.clear(); }},
  };
  for (const InvalidCase& invalid : cases) {
    Registry registry;
    Workload workload = valid_workload();
    invalid.mutate(workload);
    EXPECT_THROW(registry.add(workload), std::invalid_argument) << invalid.what;
  }
}

TEST(Registry, RejectsDuplicateWorkload) {
  Registry registry;
  registry.add(valid_workload());
  try {
    registry.add(valid_workload());
    FAIL() << "a duplicate workload was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("testing/sample"), std::string::npos);
  }
}

}  // namespace
}  // namespace paybench::engine
