// Facts about this build of paybench, recorded in every result.
#pragma once

#include <string_view>

namespace paybench::engine {

struct BuildInfo {
  std::string_view version;
  std::string_view git_commit;  // "<sha>-dirty" when the tree had uncommitted changes
  std::string_view build_type;  // CMAKE_BUILD_TYPE
  std::string_view compiler;
  std::string_view compiler_flags;
  std::string_view sanitizer;  // empty, "address" or "thread"
};

// Generated at build time by cmake/WriteBuildInfo.cmake.
const BuildInfo& build_info();

}  // namespace paybench::engine
