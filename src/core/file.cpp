#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

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

// "512 MiB", "1 KiB" or "1000 bytes": a limit as a person reads it.
std::string HumanBytes(uint64_t n) {
  constexpr uint64_t kKiB = 1024, kMiB = kKiB * 1024;
  if (n >= kMiB && n % kMiB == 0) return std::to_string(n / kMiB) + " MiB";
  if (n >= kKiB && n % kKiB == 0) return std::to_string(n / kKiB) + " KiB";
  return std::to_string(n) + " bytes";
}

std::string LimitText(std::string_view kind, uint64_t max_bytes) {
  return "a " + std::string(kind) + " may be at most " + std::to_string(max_bytes) + " bytes (" +
         HumanBytes(max_bytes) + ")";
}

std::string_view FileTypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

Status NotRegular(const fs::path& path, std::string_view what, const FileLimit& limit) {
  return InvalidArgument(path.string() + ": not a regular file (" + std::string(what) + "); a " +
                         std::string(limit.kind) + " must be one");
}

// Why `path` could not be opened: a path that names nothing is NotFound, one that cannot name a
// regular file (a socket, a symlink loop, a name too long) is InvalidArgument, anything else
// (permission, I/O) Unavailable.
Status OpenError(const fs::path& path, const FileLimit& limit) {
  const int err = errno;
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return NotFound("cannot open " + path.string() + ": " + std::strerror(err));
    case ENXIO:
    case ENODEV:
    case ELOOP:
    case ENAMETOOLONG:
      return NotRegular(path, std::strerror(err), limit);
    default:
      errno = err;
      return ErrnoStatus("cannot open", path);
  }
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

Result<UserFile> UserFile::Open(const fs::path& path, const FileLimit& limit) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a terminal never becomes ours.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return OpenError(path, limit);
  UserFile file(fd, 0, path, limit);  // closes fd on every return below
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus("cannot stat", path);
  if (!S_ISREG(st.st_mode)) return NotRegular(path, FileTypeName(st.st_mode), limit);
  file.size_ = static_cast<uint64_t>(st.st_size);
  if (file.size_ > limit.max_bytes) {
    return InvalidArgument(path.string() + ": " + std::to_string(file.size_) +
                           " bytes is over the limit: " + LimitText(limit.kind, limit.max_bytes));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return file;
}

UserFile::UserFile(UserFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      path_(std::move(other.path_)),
      kind_(std::move(other.kind_)),
      max_(other.max_) {}

UserFile& UserFile::operator=(UserFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    path_ = std::move(other.path_);
    kind_ = std::move(other.kind_);
    max_ = other.max_;
  }
  return *this;
}

UserFile::~UserFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> UserFile::ReadAt(uint64_t offset, char* out, size_t n) const {
  if (offset >= size_) return size_t{0};
  n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
  while (true) {
    const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return ErrnoStatus("cannot read", path_);
  }
}

Result<std::string> UserFile::ReadAll() const {
  std::string out(static_cast<size_t>(size_), '\0');
  uint64_t done = 0;
  char probe[1 << 12];  // past the fstat size: a growing file, or a /proc file of size 0
  while (true) {
    const bool in_size = done < size_;
    char* dst = in_size ? out.data() + done : probe;
    const size_t want = in_size ? static_cast<size_t>(size_ - done) : sizeof probe;
    const ssize_t got = ::pread(fd_, dst, want, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ErrnoStatus("cannot read", path_);
    if (got == 0) break;
    if (!in_size) out.append(probe, static_cast<size_t>(got));
    done += static_cast<uint64_t>(got);
    if (done > max_) {
      return InvalidArgument(path_.string() +
                             ": grew past the limit while being read: " + LimitText(kind_, max_));
    }
  }
  out.resize(static_cast<size_t>(done));
  return out;
}

Result<std::string> ReadUserFile(const fs::path& path, const FileLimit& limit) {
  FIGURANT_ASSIGN_OR_RETURN(const UserFile file, UserFile::Open(path, limit));
  return file.ReadAll();
}

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

bool PathIsWithin(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  const fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (bi->empty()) continue;  // a trailing separator
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

}  // namespace figurant
