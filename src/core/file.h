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

// ---- create-once and private files (keys, passphrases, the registry)

// Creates `path` holding `contents` only when no file of that name exists, atomically and durably:
// the contents go to a temporary file in the same directory (fsynced, mode set to exactly `mode`
// whatever the umask) which is then hard-linked to `path`. link(2) fails when the name exists, so
// of several concurrent creators exactly one wins and the others get AlreadyExists; nobody ever
// reads a partial file. AlreadyExists leaves the existing file untouched; Unavailable on any I/O
// error. No temporary file is left behind.
Status CreateFileExclusive(const std::filesystem::path& path, std::string_view contents,
                           unsigned mode);

// A secret file's size limit for ReadPrivateFile. [Units: bytes]
inline constexpr size_t kMaxPrivateFileBytes = 64 * 1024;

// Reads a file that must be private, as ssh reads a private key: a regular file (a symlink is
// refused), owned by this process's effective user, with no permission bits for group or others,
// at most `max_bytes` long. NotFound when missing; FailedPrecondition naming the file, what is
// wrong and the command that fixes it (e.g. "chmod 600 FILE"); Unavailable on other I/O errors.
Result<std::string> ReadPrivateFile(const std::filesystem::path& path,
                                    size_t max_bytes = kMaxPrivateFileBytes);

// Checks that an existing file or directory is private (owned by this process's effective user, no
// permission bits for group or others). NotFound when missing; FailedPrecondition as above.
Status CheckPrivate(const std::filesystem::path& path);

// Creates `dir` (and missing parents, those with mode 0755 & ~umask) with mode exactly 0700 when
// missing, then CheckPrivate(dir).
Status EnsurePrivateDirectory(const std::filesystem::path& dir);

}  // namespace figurant
