// Turning the addresses of a CPU profile into function names, and the profile into folded stacks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "paybench/engine/cpu_profile.h"
#include "paybench/reports/folded_stacks.h"

namespace paybench::engine {

// Where an address in a call stack came from, which decides the address to look up.
enum class AddressKind {
  kSampled,        // the program counter of the interrupted code
  kReturnAddress,  // points just after a call, so the call itself is at the address minus 1
};

// Names the functions at addresses of a process whose memory map is known, with the ELF symbol
// tables of the mapped files (elfutils libdwfl), demangled with abi::__cxa_demangle.
//
// Each mapped file is opened from its path when an address in it is first looked up, so the
// files must still be on disk and unchanged since the profile was taken.
// NOTE: nothing checks that a file on disk is the one the process mapped: the maps text of a
// gperftools profile carries no build ID. A rebuilt binary gives wrong names, not an error.
//
// Thread-safe: a mutex guards the libdwfl session and the cache.
class Symbolizer {
 public:
  // Prepares lookups in `mappings`, as parse_maps() returns them. Opens no file yet.
  // Throws std::runtime_error with libdwfl's message if libdwfl cannot start a session.
  explicit Symbolizer(std::vector<MappedObject> mappings);
  ~Symbolizer();

  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // Returns the demangled name of the function containing `address`, for example
  // "paybench::Pool::get(unsigned long)". An address that cannot be named returns a marker.
  // In a mapping of libfoo.so whose file is unreadable, stripped or has no symbol there, the
  // marker is "[libfoo.so+0x1a2b]" with the file offset of the looked-up address. An address
  // in no mapping gives "[unknown+0x7f3a...]" with the address itself. Results are cached per
  // looked-up address. Never throws for a bad address or file.
  std::string function_name(std::uint64_t address, AddressKind kind) const;

 private:
  struct Session;
  std::unique_ptr<Session> session_;
};

// Converts `profile` into folded stacks, root first, with one frame per address named by
// `symbolizer`. The sampled address (the last) is looked up as is and every other one as a
// return address. Stacks whose names are identical are merged as merge_identical_stacks() does,
// so two addresses in one function count as one stack. A ';' in a name, which folded text uses
// as the separator, becomes ':' as in Brendan Gregg's stackcollapse-perf.pl.
reports::FoldedProfile folded_from_cpu_profile(const CpuProfile& profile,
                                               const Symbolizer& symbolizer);

}  // namespace paybench::engine
