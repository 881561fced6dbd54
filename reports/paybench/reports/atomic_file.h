// Writing a file so that readers see either the old content or the new, never a part.
#pragma once

#include <filesystem>
#include <string_view>

namespace paybench::reports {

// Writes `content` to `path` atomically: the bytes go to a new temporary file in the same
// directory, which is flushed, fsync'ed and then renamed over `path`. A reader that opens `path`
// at any moment sees the complete old file (or none) or the complete new one. The temporary
// file is removed on every failure. The new file gets mode 0666 minus the umask, like a file
// created by std::ofstream; an existing file's permissions are not carried over.
//
// Throws std::runtime_error naming the path and the system error (errno text) when the
// directory does not exist or is not writable, the disk is full, or any other step fails.
void write_text_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace paybench::reports
