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
// Creates the directory of `path` and its missing parents first, as `mkdir -p` does, with mode
// 0777 minus the umask. Those directories stay when a later step fails.
//
// Throws std::runtime_error naming the path and the system error (errno text) when the
// directory cannot be created or is not writable, the disk is full, or any other step fails.
// A directory or file that cannot be created is named with `path`.
void write_text_file_atomically(const std::filesystem::path& path, std::string_view content);

// Copies the file at `source` to `path` as write_text_file_atomically() writes it, creating
// the directory of `path` as that does. Throws std::runtime_error naming the file and the
// system error when `source` cannot be read or `path` cannot be written.
void copy_file_atomically(const std::filesystem::path& source, const std::filesystem::path& path);

// Returns a path for a temporary file next to `path` that another program (such as gperftools'
// profiler) writes, named as write_text_file_atomically() names its own: ".<name>.tmp-<pid>-<n>".
// The file is not created. Pass it to commit_temporary_file() once it is complete.
std::filesystem::path temporary_path_next_to(const std::filesystem::path& path);

// Flushes the complete file at `temporary` (from temporary_path_next_to(path)) to disk and
// renames it over `path`. Throws std::runtime_error naming the path and the system error, and
// removes the temporary file, on failure.
void commit_temporary_file(const std::filesystem::path& temporary,
                           const std::filesystem::path& path);

// Removes the temporary files that process `pid` left in `directory` when it was killed while
// writing, and returns how many it removed. Other files and errors are left alone.
int remove_temporary_files_of(const std::filesystem::path& directory, int pid);

}  // namespace paybench::reports
