// Durable file helpers. Every persistent write in Figurant goes through WriteFileAtomic so a crash
// leaves either the old file or the new one, never a torn mix (temp file + fsync + rename + fsync
// of the directory, as SQLite and LevelDB do).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace figurant {

// Reads a whole file. NotFound when it does not exist; Unavailable on any other I/O error.
// The message names the path.
Result<std::string> ReadFile(const std::filesystem::path& path);

// Replaces `path` with `contents` atomically and durably. `mode` is the permission of the new file
// (0600 for anything secret). On failure the old file, if any, is untouched and no temporary file
// is left behind.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view contents,
                       unsigned mode = 0644);

// fsyncs a directory so that a rename or creation inside it survives a power loss.
Status SyncDirectory(const std::filesystem::path& dir);

// Creates `dir` and its parents with `mode` when missing.
Status EnsureDirectory(const std::filesystem::path& dir, unsigned mode = 0755);

}  // namespace figurant
