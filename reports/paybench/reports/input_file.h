// Reading a whole input file, with the errors every reader of paybench reports alike.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace paybench::reports {

// Returns the bytes of the file at `path`. Throws InputError naming the path when it cannot be
// opened (with the system's reason) or read to its end, or when it is a directory, where
// `expected` names what should be there instead, such as "a JSON result file".
std::string read_input_file(const std::filesystem::path& path, std::string_view expected);

}  // namespace paybench::reports
