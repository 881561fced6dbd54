#include "paybench/engine/symbolizer.h"

#include <cxxabi.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

namespace paybench::engine {
namespace {

// Returns the function name of an ELF symbol. The symbol version that libdwfl (elfutils 0.188)
// appends to versioned dynamic symbols is dropped ("memcpy@@GLIBC_2.14" becomes "memcpy").
// An Itanium C++ ABI name ("_Z...") is demangled unless the demangler rejects it.
std::string function_name_of_symbol(std::string_view symbol) {
  const std::string name(symbol.substr(0, symbol.find('@')));
  const bool is_mangled = name.starts_with("_Z");
  if (!is_mangled) {
    return name;
  }

  int status = 0;
  char* const demangled = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) {
    return name;
  }
  std::string result(demangled);
  std::free(demangled);
  return result;
}

// Returns the name that unresolved-frame markers use for `mapping`: the file name of its path,
// the pseudo name without brackets ("[vdso]" becomes "vdso"), or "anonymous".
std::string object_name(const MappedObject& mapping) {
  if (mapping.path.empty()) {
    return "anonymous";
  }
  const bool is_pseudo_name = mapping.path.front() == '[' && mapping.path.back() == ']';
  if (is_pseudo_name) {
    return mapping.path.substr(1, mapping.path.size() - 2);
  }
  return std::filesystem::path(mapping.path).filename().string();
}

// A file that libdwfl should read, spanning the address range of all its consecutive mappings.
struct ModuleRange {
  std::string path;
  std::uint64_t load_address = 0;  // where file offset 0 is (or would be) mapped
  std::uint64_t end = 0;
};

// Groups consecutive mappings of one file that contain code. Pseudo files such as "[vdso]"
// exist only in the profiled process's memory, so they are left out.
std::vector<ModuleRange> module_ranges(const std::vector<MappedObject>& mappings) {
  std::vector<ModuleRange> ranges;
  std::size_t first = 0;
  while (first < mappings.size()) {
    std::size_t last = first;
    bool has_code = mappings[first].is_executable();
    while (last + 1 < mappings.size() && mappings[last + 1].path == mappings[first].path) {
      ++last;
      has_code = has_code || mappings[last].is_executable();
    }

    const MappedObject& head = mappings[first];
    const bool is_file = !head.path.empty() && head.path.front() == '/';
    // libdwfl places the file from the address of its first loadable segment. In the
    // executables and libraries of Debian 12 (GNU ld) that segment starts at file offset 0.
    const bool has_load_address = head.file_offset <= head.start;
    if (is_file && has_code && has_load_address) {
      ranges.push_back(ModuleRange{.path = head.path,
                                   .load_address = head.start - head.file_offset,
                                   .end = mappings[last].end});
    }
    first = last + 1;
  }
  return ranges;
}

}  // namespace

struct Symbolizer::Session {
  std::vector<MappedObject> mappings;  // sorted by start address
  Dwfl_Callbacks callbacks{};
  char* debuginfo_path = nullptr;  // libdwfl's default search path for separate debug files

  std::mutex mutex;
  Dwfl* dwfl = nullptr;                                  // guarded by mutex
  // Function names by looked-up address, guarded by mutex.
  std::unordered_map<std::uint64_t, std::string> names;

  ~Session() {
    if (dwfl != nullptr) {
      dwfl_end(dwfl);
    }
  }

  const MappedObject* find_mapping(std::uint64_t address) const {
    const auto after = std::upper_bound(
        mappings.begin(), mappings.end(), address,
        [](std::uint64_t value, const MappedObject& mapping) { return value < mapping.start; });
    if (after == mappings.begin()) {
      return nullptr;
    }
    const MappedObject& candidate = *std::prev(after);
    return candidate.contains(address) ? &candidate : nullptr;
  }

  // Requires `mutex`.
  std::string look_up(std::uint64_t address) {
    Dwfl_Module* const module = dwfl_addrmodule(dwfl, address);
    if (module != nullptr) {
      const char* const symbol = dwfl_module_addrname(module, address);
      if (symbol != nullptr && symbol[0] != '\0') {
        return function_name_of_symbol(symbol);
      }
    }

    const MappedObject* const mapping = find_mapping(address);
    if (mapping == nullptr) {
      return fmt::format("[unknown+{:#x}]", address);
    }
    const std::uint64_t file_offset = address - mapping->start + mapping->file_offset;
    return fmt::format("[{}+{:#x}]", object_name(*mapping), file_offset);
  }
};

Symbolizer::Symbolizer(std::vector<MappedObject> mappings) : session_(std::make_unique<Session>()) {
  std::sort(mappings.begin(), mappings.end(),
            [](const MappedObject& a, const MappedObject& b) { return a.start < b.start; });
  session_->mappings = std::move(mappings);

  // Files are opened by path when first needed. Separate debug files are looked up by build ID
  // and by name in libdwfl's standard debuginfo path.
  session_->callbacks.find_elf = dwfl_linux_proc_find_elf;
  session_->callbacks.find_debuginfo = dwfl_standard_find_debuginfo;
  session_->callbacks.debuginfo_path = &session_->debuginfo_path;

  session_->dwfl = dwfl_begin(&session_->callbacks);
  if (session_->dwfl == nullptr) {
    throw std::runtime_error(std::string("starting a libdwfl session failed: ") +
                             dwfl_errmsg(-1));
  }

  dwfl_report_begin(session_->dwfl);
  for (const ModuleRange& range : module_ranges(session_->mappings)) {
    // A failure leaves this file out, so its addresses get markers instead of names.
    dwfl_report_module(session_->dwfl, range.path.c_str(), range.load_address, range.end);
  }
  dwfl_report_end(session_->dwfl, nullptr, nullptr);
}

Symbolizer::~Symbolizer() = default;

std::string Symbolizer::function_name(std::uint64_t address, AddressKind kind) const {
  const bool is_after_call = kind == AddressKind::kReturnAddress && address > 0;
  const std::uint64_t lookup_address = is_after_call ? address - 1 : address;

  const std::lock_guard lock(session_->mutex);
  const auto cached = session_->names.find(lookup_address);
  if (cached != session_->names.end()) {
    return cached->second;
  }
  std::string name = session_->look_up(lookup_address);
  session_->names.emplace(lookup_address, name);
  return name;
}

reports::FoldedProfile folded_from_cpu_profile(const CpuProfile& profile,
                                               const Symbolizer& symbolizer) {
  reports::FoldedProfile folded;
  folded.stacks.reserve(profile.samples.size());

  for (const CpuSample& sample : profile.samples) {
    reports::FoldedStack stack{.count = sample.count};
    stack.frames.reserve(sample.program_counters.size());

    for (std::size_t index = 0; index < sample.program_counters.size(); ++index) {
      const bool is_sampled = index + 1 == sample.program_counters.size();
      const AddressKind kind = is_sampled ? AddressKind::kSampled : AddressKind::kReturnAddress;
      std::string name = symbolizer.function_name(sample.program_counters[index], kind);
      std::replace(name.begin(), name.end(), ';', ':');
      stack.frames.push_back(std::move(name));
    }
    folded.stacks.push_back(std::move(stack));
  }

  return reports::merge_identical_stacks(folded);
}

}  // namespace paybench::engine
