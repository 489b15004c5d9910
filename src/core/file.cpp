#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

}  // namespace

Result<std::string> ReadFile(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  std::string out;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = ErrnoStatus("cannot read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
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
  uint8_t rnd[6];
  RandomBytes(rnd, sizeof rnd);
  fs::path tmp = path;
  tmp += ".tmp-" + ToHex(rnd, sizeof rnd);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus("cannot create", tmp);
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = ErrnoStatus("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = ErrnoStatus("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd);
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
