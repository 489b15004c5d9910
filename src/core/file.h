// Durable file helpers. Every persistent write in Figurant goes through WriteFileAtomic so a crash
// leaves either the old file or the new one, never a torn mix (temp file + fsync + rename + fsync
// of the directory, as SQLite and LevelDB do).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace figurant {

// Reads a whole file. NotFound when it does not exist; Unavailable on any other I/O error.
// The message names the path.
Result<std::string> ReadFile(const std::filesystem::path& path);

// A kind of file a user hands Figurant (a scene, licence terms, a scan...) and the most bytes
// Figurant will read of one. Each module that reads such a file defines its kind next to its
// parser; docs/inputs.md lists them all.
struct FileLimit {
  std::string_view kind;  // what the file is, for messages: "scene file"
  uint64_t max_bytes;     // [Units: bytes] [Limits: > 0]
};

// A file a user named, opened for reading and checked: a regular file (symlinks followed) no
// larger than its kind's limit. Reads never go past the size it had when opened. Not thread-safe;
// move-only; closes its descriptor when destroyed.
class UserFile {
 public:
  // Opens `path` without blocking (a FIFO is refused, never waited on), then checks the opened
  // descriptor with fstat, so a file swapped after a check cannot pass: NotFound when `path` does
  // not exist; InvalidArgument naming the path, the kind and the limit when it is not a regular
  // file (a directory, device, FIFO or socket) or larger than limit.max_bytes; Unavailable on any
  // other error (permission, I/O).
  static Result<UserFile> Open(const std::filesystem::path& path, const FileLimit& limit);

  UserFile(UserFile&& other) noexcept;
  UserFile& operator=(UserFile&& other) noexcept;
  UserFile(const UserFile&) = delete;
  UserFile& operator=(const UserFile&) = delete;
  ~UserFile();

  // The size when opened. [Units: bytes] [Limits: <= the kind's max_bytes]
  uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

  // Reads up to `n` bytes at `offset` into `out`, never past size(); the number read (0 at the
  // end), or Unavailable naming the path.
  Result<size_t> ReadAt(uint64_t offset, char* out, size_t n) const;

  // The whole file, read to its end but never more than the kind's limit: a file that grows past
  // it while being read, or a /proc file whose size fstat does not tell, is InvalidArgument
  // naming the path and the limit; Unavailable on an I/O error.
  Result<std::string> ReadAll() const;

 private:
  UserFile(int fd, uint64_t size, std::filesystem::path path, const FileLimit& limit)
      : fd_(fd), size_(size), path_(std::move(path)), kind_(limit.kind), max_(limit.max_bytes) {}
  int fd_ = -1;
  uint64_t size_ = 0;
  std::filesystem::path path_;
  std::string kind_;
  uint64_t max_ = 0;
};

// Reads the whole of a file a user named, for untrusted input: UserFile::Open, then ReadAll. Every
// file a user hands Figurant is read through this (or UserFile), never ReadFile.
Result<std::string> ReadUserFile(const std::filesystem::path& path, const FileLimit& limit);

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

// True when `inner` is `outer` or lies below it, both made absolute with `..` and symbolic links
// resolved as far as the paths exist (a path that does not exist yet is judged by its text past
// its last existing ancestor). Pure apart from reading the file system.
bool PathIsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer);

}  // namespace figurant
