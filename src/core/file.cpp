#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/crypto.h"

namespace figurant {
namespace fs = std::filesystem;

namespace {

Status ErrnoStatus(std::string_view what, const fs::path& path) {
  const int err = errno;
  std::string m = std::string(what) + " " + path.string() + ": " + std::strerror(err);
  if (err == ENOENT) return NotFound(std::move(m));
  return Unavailable(std::move(m));
}

// Reads `fd` to its end; Unavailable (naming `path`) past `max_bytes` or on a read error.
Result<std::string> ReadAllFrom(int fd, const fs::path& path, size_t max_bytes) {
  std::string out;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot read", path);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      SecureZero(out.data(), out.size());
      return Unavailable(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Writes `contents` to a new temporary file beside `path` and fsyncs it. With `exact_mode` the
// file gets `mode` whatever the umask. Returns the temporary's name; on failure nothing is left.
Result<fs::path> WriteTemporary(const fs::path& path, std::string_view contents, unsigned mode,
                                bool exact_mode) {
  uint8_t rnd[6];
  RandomBytes(rnd, sizeof rnd);
  fs::path tmp = path;
  tmp += ".tmp-" + ToHex(rnd, sizeof rnd);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus("cannot create", tmp);
  auto fail = [&](std::string_view what) {
    Status s = ErrnoStatus(what, tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  };
  if (exact_mode && ::fchmod(fd, mode) != 0) return fail("cannot set the mode of");
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot fsync");
  ::close(fd);
  return tmp;
}

std::string OctalMode(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777U);
  return text;
}

// Why `st` (of `path`) is not private, or OK.
Status PrivacyProblem(const struct stat& st, const fs::path& path) {
  const bool dir = S_ISDIR(st.st_mode);
  if (st.st_uid != ::geteuid()) {
    return FailedPrecondition(path.string() + " is owned by uid " + std::to_string(st.st_uid) +
                              ", not by this user (uid " + std::to_string(::geteuid()) +
                              "); secret files must belong to the user running figurant");
  }
  constexpr unsigned kGroupOrOthers = 077;
  if ((st.st_mode & kGroupOrOthers) != 0) {
    const std::string want = dir ? "700" : "600";
    return FailedPrecondition(path.string() + " has mode " + OctalMode(st.st_mode) +
                              ", open to group or others; it must be private (mode 0" + want +
                              "): chmod " + want + " " + path.string());
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ReadFile(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  auto out = ReadAllFrom(fd, path, std::string::npos);
  ::close(fd);
  return out;
}

Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoStatus("cannot fsync directory", dir);
  return Status::Ok();
}

Status WriteFileAtomic(const fs::path& path, std::string_view contents, unsigned mode) {
  FIGURANT_ASSIGN_OR_RETURN(fs::path tmp, WriteTemporary(path, contents, mode, false));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = ErrnoStatus("cannot rename into place", path);
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDirectory(path.parent_path());
}

Status EnsureDirectory(const fs::path& dir, unsigned mode) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::Ok();
  fs::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create directory " + dir.string() + ": " + ec.message());
  fs::permissions(dir, static_cast<fs::perms>(mode), ec);
  if (ec) return Unavailable("cannot set permissions on " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace figurant

namespace figurant {

Status CreateFileExclusive(const fs::path& path, std::string_view contents, unsigned mode) {
  FIGURANT_ASSIGN_OR_RETURN(fs::path tmp, WriteTemporary(path, contents, mode, true));
  const int rc = ::link(tmp.c_str(), path.c_str());
  const int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) return AlreadyExists(path.string() + " already exists");
    errno = err;
    return ErrnoStatus("cannot create", path);
  }
  return SyncDirectory(path.parent_path());
}

Result<std::string> ReadPrivateFile(const fs::path& path, size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ELOOP) {
      return FailedPrecondition(path.string() +
                                " is a symbolic link; a secret file must be a regular file");
    }
    return ErrnoStatus("cannot open", path);
  }
  struct stat st {};
  Status ok = ::fstat(fd, &st) == 0 ? Status::Ok() : ErrnoStatus("cannot stat", path);
  if (ok.ok() && !S_ISREG(st.st_mode)) {
    ok = FailedPrecondition(path.string() + " is not a regular file");
  }
  if (ok.ok()) ok = PrivacyProblem(st, path);
  Result<std::string> out = ok;
  if (ok.ok()) out = ReadAllFrom(fd, path, max_bytes);
  ::close(fd);
  return out;
}

Status CheckPrivate(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat", path);
  return PrivacyProblem(st, path);
}

Status EnsurePrivateDirectory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (!dir.parent_path().empty()) FIGURANT_RETURN_IF_ERROR(EnsureDirectory(dir.parent_path()));
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return ErrnoStatus("cannot create directory", dir);
    }
    // mkdir's mode is filtered by the umask; the directory must be 0700 exactly.
    if (::chmod(dir.c_str(), 0700) != 0) return ErrnoStatus("cannot set the mode of", dir);
  }
  return CheckPrivate(dir);
}

}  // namespace figurant
