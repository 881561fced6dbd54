// Reading a whole input file, with the errors every reader of paybench reports alike.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace paybench::reports {

// The largest input file read by default: 1 GiB. paybench's own files stay far below it (a
// result file of a full run is well under a megabyte, a CPU profile of a minute at 10,000
// samples per second a few tens of megabytes). It stops a wrong path, such as /dev/zero or a
// multi-gigabyte log, from exhausting memory: the parsed form of a file takes several times its
// size.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{1} << 30;

// Returns the bytes of the file at `path`. Throws InputError naming the path when it cannot be
// opened (with the system's reason) or read to its end, is a directory, or has more than
// `max_bytes` bytes. `expected` names what should be there instead, such as "a JSON result
// file". Devices and pipes are read up to max_bytes + 1 bytes at most.
std::string read_input_file(const std::filesystem::path& path, std::string_view expected,
                            std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace paybench::reports
