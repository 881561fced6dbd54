// Reading the instruction totals of the files that valgrind's callgrind writes at each
// CALLGRIND_DUMP_STATS_AT request.
//
// A dump is text. paybench reads two of its header lines, "desc: Trigger: Client Request:
// <name>", which names what triggered the dump, and "totals: <count> ...", whose first count is
// the instructions executed (the Ir event) since the previous dump.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "paybench/reports/input_error.h"

namespace paybench::engine {

struct CallgrindDump {
  std::string trigger;              // the name passed to CALLGRIND_DUMP_STATS_AT
  std::uint64_t instructions = 0;  // the first count of the totals line
};

// Parses the text of one dump. Throws reports::InputError naming `source_name`, the line and
// what was expected when the text has no "desc: Trigger: Client Request:" line or no
// "totals:" line with a count.
CallgrindDump parse_callgrind_dump(std::string_view text, std::string_view source_name);

// Reads every dump "<prefix>.<N>" in `directory` (the files of --callgrind-out-file=<prefix>)
// and returns the instructions per trigger name, summed over dumps with the same name. The
// final dump at program exit, "<prefix>" itself, is not read. Throws reports::InputError as
// parse_callgrind_dump() does, or when a file cannot be read.
std::map<std::string, std::uint64_t> read_callgrind_dumps(const std::filesystem::path& directory,
                                                          std::string_view prefix);

}  // namespace paybench::engine
