#include "paybench/engine/allocator.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>

#include <filesystem>

namespace paybench::engine {
namespace {

// The exact signatures the libraries export (jemalloc 5, gperftools 2, mimalloc 2). They are
// looked up with dlsym because paybench does not link any of these libraries.
using JemallocMallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
using TcmallocVersion = const char* (*)(int*, int*, const char**);
using MimallocVersion = int (*)();

std::string allocator_name_from_library(const std::string& library) {
  const std::string file = std::filesystem::path(library).filename().string();
  if (file.starts_with("libjemalloc")) return "jemalloc";
  if (file.starts_with("libtcmalloc")) return "tcmalloc";
  if (file.starts_with("libmimalloc")) return "mimalloc";
  if (file.starts_with("libc.so") || file.starts_with("libc-")) return "glibc";
  return "unknown";
}

std::string query_version(const std::string& name) {
  if (name == "glibc") return gnu_get_libc_version();

  if (name == "jemalloc") {
    auto mallctl = reinterpret_cast<JemallocMallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
    const char* version = nullptr;
    std::size_t length = sizeof(version);
    if (mallctl != nullptr && mallctl("version", &version, &length, nullptr, 0) == 0 && version) {
      return version;
    }
  }

  if (name == "tcmalloc") {
    auto tc_version = reinterpret_cast<TcmallocVersion>(dlsym(RTLD_DEFAULT, "tc_version"));
    if (tc_version != nullptr) {
      int major = 0;
      int minor = 0;
      const char* patch = nullptr;
      if (const char* version = tc_version(&major, &minor, &patch)) return version;
    }
  }

  if (name == "mimalloc") {
    // mi_version() returns major * 100 + minor * 10 + patch, e.g. 209 for 2.0.9.
    auto mi_version = reinterpret_cast<MimallocVersion>(dlsym(RTLD_DEFAULT, "mi_version"));
    if (mi_version != nullptr) {
      const int packed = mi_version();
      return std::to_string(packed / 100) + "." + std::to_string(packed / 10 % 10) + "." +
             std::to_string(packed % 10);
    }
  }

  return "unknown";
}

}  // namespace

const std::vector<AllocatorInfo>& known_allocators() {
  // Library paths are those CMake found when this binary was configured.
  static const std::vector<AllocatorInfo> kAllocators{
      {"glibc", "", "libc6"},
      {"jemalloc", PAYBENCH_JEMALLOC_LIBRARY, "libjemalloc2"},
      {"tcmalloc", PAYBENCH_TCMALLOC_LIBRARY, "libtcmalloc-minimal4"},
      {"mimalloc", PAYBENCH_MIMALLOC_LIBRARY, "libmimalloc2.0"},
  };
  return kAllocators;
}

const AllocatorInfo& heap_profiling_allocator() {
  static const AllocatorInfo kFullTcmalloc{"tcmalloc", PAYBENCH_TCMALLOC_FULL_LIBRARY,
                                           "libgoogle-perftools4"};
  return kFullTcmalloc;
}

const AllocatorInfo* find_allocator(std::string_view name) {
  for (const AllocatorInfo& allocator : known_allocators()) {
    if (allocator.name == name) return &allocator;
  }
  return nullptr;
}

std::string known_allocator_names() {
  std::string names;
  for (const AllocatorInfo& allocator : known_allocators()) {
    if (!names.empty()) names += ", ";
    names += allocator.name;
  }
  return names;
}

ActiveAllocator detect_active_allocator() {
  // RTLD_NEXT from the executable skips paybench's own counting malloc (malloc_hooks.cc) and
  // finds the allocator behind it. A binary without the hooks gets the same answer.
  void* malloc_address = dlsym(RTLD_NEXT, "malloc");
  Dl_info info{};
  if (malloc_address == nullptr || dladdr(malloc_address, &info) == 0 || info.dli_fname == nullptr) {
    return {"unknown", "unknown", "unknown"};
  }

  ActiveAllocator active;
  active.library = info.dli_fname;
  active.name = allocator_name_from_library(active.library);
  active.version = query_version(active.name);
  return active;
}

std::vector<std::string> environment_with_allocator(const std::vector<std::string>& environment,
                                                    const AllocatorInfo& allocator) {
  std::vector<std::string> result;
  for (const std::string& entry : environment) {
    if (!entry.starts_with("LD_PRELOAD=")) result.push_back(entry);
  }
  if (!allocator.library_path.empty()) result.push_back("LD_PRELOAD=" + allocator.library_path);
  return result;
}

}  // namespace paybench::engine
