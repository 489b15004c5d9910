#include "render/plate_dir.h"

#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfStringAttribute.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/portable_name.h"
#include "render/internal/fd_stream.h"

namespace figurant::render {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempPrefix = ".figurant-tmp.";
constexpr std::string_view kLegacyTempSeparator = ".tmp-";  // `<plate>.tmp-<hex>`, before
constexpr size_t kTempTagBytes = 6;                         // 12 hex digits
constexpr char kLockName[] = ".figurant.lock";
// The attribute keys (EXR) and text keywords (PNG) naming a plate's production and shot.
constexpr char kProductionKey[] = "figurant/production";
constexpr char kShotKey[] = "figurant/shot";
// Ancestors walked up from the plate directory before giving up (deeper than any real tree).
constexpr int kMaxDepth = 4096;
// A PNG's text chunks come before its image data: this much of the file holds them.
constexpr size_t kPngTextBytes = 1 << 20;
// Largest sidecar read to recognise it (a coverage record of 10^5 agents is about 20 MB).
constexpr size_t kMaxSidecarBytes = size_t{256} << 20;

constexpr std::string_view SuffixOf(PlateFile kind) {
  switch (kind) {
    case PlateFile::kExr:
      return ".exr";
    case PlateFile::kPng:
      return ".png";
    case PlateFile::kCoverage:
      return ".coverage.json";
    case PlateFile::kCloneReport:
      return ".clones.json";
  }
  return "";
}

bool HasPlateSuffix(std::string_view name) {
  for (PlateFile k :
       {PlateFile::kExr, PlateFile::kPng, PlateFile::kCoverage, PlateFile::kCloneReport}) {
    if (name.ends_with(SuffixOf(k)) && name.size() > SuffixOf(k).size()) return true;
  }
  return false;
}

std::string Errno(int err) { return std::strerror(err); }

std::string OutputField() { return "scene field 'render.output': "; }

// "<stem><separator><12 hex digits>" → stem; empty when `name` is not of that form.
std::string_view StemBeforeTag(std::string_view name, std::string_view separator) {
  const size_t tag = 2 * kTempTagBytes;
  if (name.size() <= separator.size() + tag) return {};
  const std::string_view hex = name.substr(name.size() - tag);
  if (!std::all_of(hex.begin(), hex.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return {};
  }
  const std::string_view rest = name.substr(0, name.size() - tag);
  if (!rest.ends_with(separator)) return {};
  return rest.substr(0, rest.size() - separator.size());
}

// A temporary file Figurant writes plates under: this version's, or an earlier one's.
bool IsTemporaryName(std::string_view name) {
  if (name.starts_with(kTempPrefix)) {
    return IsPortableFileName(StemBeforeTag(name.substr(kTempPrefix.size()), "."));
  }
  const std::string_view stem = StemBeforeTag(name, kLegacyTempSeparator);
  return IsPortableFileName(stem) && HasPlateSuffix(stem);
}

// The first `max` bytes of `fd` (fewer when it is shorter or a read fails); `whole` (optional)
// tells whether that is all of it.
std::string ReadPrefix(int fd, size_t max, bool* whole) {
  std::string out;
  char buf[1 << 16];
  if (whole != nullptr) *whole = false;
  while (out.size() < max) {
    const ssize_t n =
        ::pread(fd, buf, std::min(sizeof buf, max - out.size()), static_cast<off_t>(out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return out;
    if (n == 0) {
      if (whole != nullptr) *whole = true;
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

uint32_t BigEndian32(std::string_view b, size_t at) {
  return (uint32_t{static_cast<uint8_t>(b[at])} << 24) |
         (uint32_t{static_cast<uint8_t>(b[at + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(b[at + 2])} << 8) |
         uint32_t{static_cast<uint8_t>(b[at + 3])};
}

// The tEXt chunks before a PNG's image data, keyword → text (PNG spec, 11.3.4.3).
std::map<std::string, std::string> PngText(std::string_view png) {
  std::map<std::string, std::string> text;
  constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (!png.starts_with(kSignature)) return text;
  for (size_t at = kSignature.size(); at + 8 <= png.size();) {
    const size_t length = BigEndian32(png, at);
    const std::string_view type = png.substr(at + 4, 4);
    if (type == "IDAT" || type == "IEND" || length > png.size() - at - 12) break;
    if (type == "tEXt") {
      const std::string_view data = png.substr(at + 8, length);
      const size_t nul = data.find('\0');
      if (nul != std::string_view::npos) {
        text.emplace(std::string(data.substr(0, nul)), std::string(data.substr(nul + 1)));
      }
    }
    at += 12 + length;
  }
  return text;
}

bool IsOwnedExr(int fd, const std::string& shown, const PlateOwner& owner) {
  try {
    internal::FdIStream in(fd, shown);
    Imf::InputFile file(in, 1);
    const auto* production = file.header().findTypedAttribute<Imf::StringAttribute>(kProductionKey);
    const auto* shot = file.header().findTypedAttribute<Imf::StringAttribute>(kShotKey);
    return production != nullptr && shot != nullptr && production->value() == owner.production &&
           shot->value() == owner.shot;
  } catch (const std::exception&) {
    return false;
  }
}

bool IsOwnedPng(int fd, const PlateOwner& owner) {
  const auto text = PngText(ReadPrefix(fd, kPngTextBytes, nullptr));
  const auto production = text.find(kProductionKey);
  const auto shot = text.find(kShotKey);
  return production != text.end() && shot != text.end() && production->second == owner.production &&
         shot->second == owner.shot;
}

bool IsOwnedSidecar(int fd, PlateFile kind, const PlateOwner& owner) {
  bool whole = false;
  const std::string bytes = ReadPrefix(fd, kMaxSidecarBytes + 1, &whole);
  if (!whole) return false;
  const nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, false);
  if (!doc.is_object() || doc.value("production", "") != owner.production ||
      doc.value("shot", "") != owner.shot) {
    return false;
  }
  return kind == PlateFile::kCoverage ? doc.contains("figurant_coverage") : doc.contains("doubles");
}

// Whether the regular file open at `fd` is an earlier output of `owner` of this kind.
bool IsOwned(int fd, PlateFile kind, const std::string& shown, const PlateOwner& owner) {
  switch (kind) {
    case PlateFile::kExr:
      return IsOwnedExr(fd, shown, owner);
    case PlateFile::kPng:
      return IsOwnedPng(fd, owner);
    case PlateFile::kCoverage:
    case PlateFile::kCloneReport:
      return IsOwnedSidecar(fd, kind, owner);
  }
  return false;
}

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  fs::path path;
};

// The protected directories that exist, by device and inode.
std::vector<FileId> ProtectedIds(const std::vector<fs::path>& dirs) {
  std::vector<FileId> ids;
  for (const fs::path& d : dirs) {
    struct stat st {};
    std::error_code ec;
    if (!d.empty() && ::stat(d.c_str(), &st) == 0) {
      const fs::path shown = fs::canonical(d, ec);
      ids.push_back({st.st_dev, st.st_ino, ec ? d : shown});
    }
  }
  return ids;
}

// InvalidArgument when the directory open at `dir_fd`, or any directory above it, is protected.
Status CheckOutside(int dir_fd, const fs::path& shown, const std::vector<FileId>& protected_ids) {
  int fd = ::dup(dir_fd);
  if (fd < 0) return Unavailable("cannot open " + shown.string() + ": " + Errno(errno));
  Status result = Status::Ok();
  for (int depth = 0; depth < kMaxDepth && result.ok(); ++depth) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      result = Unavailable("cannot stat a directory above " + shown.string() + ": " + Errno(errno));
      break;
    }
    for (const FileId& p : protected_ids) {
      if (p.dev == st.st_dev && p.ino == st.st_ino) {
        result = InvalidArgument("output directory " + shown.string() + " is inside " +
                                 p.path.string() + ": plates are never written in the bank");
      }
    }
    const int parent = ::openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat up {};
    const bool at_root = parent < 0 || ::fstat(parent, &up) != 0 ||
                         (up.st_dev == st.st_dev && up.st_ino == st.st_ino);
    ::close(fd);
    fd = parent;
    if (at_root) break;
  }
  if (fd >= 0) ::close(fd);
  return result;
}

}  // namespace

Result<std::unique_ptr<PlateDirectory>> PlateDirectory::Open(const PlateLocation& where,
                                                             PlateOwner owner) {
  std::unique_ptr<PlateDirectory> dir(new PlateDirectory());
  dir->owner_ = std::move(owner);
  FIGURANT_RETURN_IF_ERROR(dir->OpenDirectory(where));
  FIGURANT_RETURN_IF_ERROR(dir->Lock());
  return dir;
}

Status PlateDirectory::OpenDirectory(const PlateLocation& where) {
  const fs::path root = where.root.empty() ? fs::path(".") : where.root;
  std::error_code ec;
  path_ = fs::canonical(root, ec);
  if (ec) return InvalidArgument("output directory " + root.string() + ": " + ec.message());
  dir_fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) {
    return InvalidArgument("output directory " + path_.string() + ": " + Errno(errno));
  }
  // Checked before anything is created in it, and again at each subdirectory (a bind mount).
  const std::vector<FileId> protected_ids = ProtectedIds(where.protected_dirs);
  FIGURANT_RETURN_IF_ERROR(CheckOutside(dir_fd_, path_, protected_ids));
  for (const fs::path& part : where.subdir) {
    const std::string name = part.string();
    if (!IsPortableFileName(name)) {
      return InvalidArgument(OutputField() + "'" + where.subdir.string() +
                             "' is not a relative path of portable names");
    }
    if (::mkdirat(dir_fd_, name.c_str(), 0755) != 0 && errno != EEXIST) {
      return Unavailable("cannot create " + (path_ / name).string() + ": " + Errno(errno));
    }
    const int next =
        ::openat(dir_fd_, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int err = errno;
    path_ /= name;
    if (next < 0) {
      return InvalidArgument(
          OutputField() + path_.string() +
          (err == ELOOP ? " is a symbolic link" : " is not a directory (" + Errno(err) + ")") +
          ": plates are written only in real directories");
    }
    ::close(dir_fd_);
    dir_fd_ = next;
    // The output directory was outside: render.output is what leads in.
    if (Status s = CheckOutside(dir_fd_, path_, protected_ids); !s.ok()) {
      return Status(s.code(), OutputField() + s.message());
    }
  }
  return Status::Ok();
}

Status PlateDirectory::Lock() {
  lock_fd_ =
      ::openat(dir_fd_, kLockName, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  // A hard link would lock another file (the ledger's, say) for the whole render.
  struct stat st {};
  if (lock_fd_ < 0 || ::fstat(lock_fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    return InvalidArgument(OutputField() + Shown(kLockName) +
                           " cannot be opened as Figurant's lock file (a regular file with no "
                           "other name)");
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) == 0) RemoveStaleTemporaries();
  // Shared from here on: other renders may write here too, and none removes temporaries now.
  while (::flock(lock_fd_, LOCK_SH) != 0) {
    if (errno != EINTR) return Unavailable("cannot lock " + Shown(kLockName) + ": " + Errno(errno));
  }
  return Status::Ok();
}

void PlateDirectory::RemoveStaleTemporaries() {
  const int fd = ::dup(dir_fd_);
  if (fd < 0) return;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return;
  }
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(d)) {
    if (IsTemporaryName(e->d_name)) stale.emplace_back(e->d_name);
  }
  ::closedir(d);
  for (const std::string& name : stale) {
    struct stat st {};
    if (::fstatat(dir_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode)) {
      continue;
    }
    if (::unlinkat(dir_fd_, name.c_str(), 0) == 0) ++stale_removed_;
  }
  if (stale_removed_ > 0) ::fsync(dir_fd_);
}

PlateDirectory::~PlateDirectory() {
  for (const std::string& temp : unpublished_) ::unlinkat(dir_fd_, temp.c_str(), 0);
  if (lock_fd_ >= 0) ::close(lock_fd_);
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

std::string PlateDirectory::Shown(std::string_view name) const { return (path_ / name).string(); }

Status PlateDirectory::CheckReplaceable(std::string_view name, PlateFile kind) const {
  const std::string_view suffix = SuffixOf(kind);
  if (!IsPortableFileName(name) || !name.ends_with(suffix) || name.size() <= suffix.size()) {
    return InvalidArgument(OutputField() + "\"" + std::string(name) +
                           "\" is not a portable file name ending in " + std::string(suffix));
  }
  const std::string shown = Shown(name);
  const std::string n(name);
  struct stat st {};
  if (::fstatat(dir_fd_, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Unavailable("cannot stat " + shown + ": " + Errno(errno));
  }
  const std::string fix = " (move it away or change render.output)";
  if (S_ISLNK(st.st_mode)) {
    return InvalidArgument(OutputField() + shown +
                           " is a symbolic link: Figurant never writes through links" + fix);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgument(OutputField() + shown +
                           " is not a regular file: Figurant writes only regular files" + fix);
  }
  const int fd = ::openat(dir_fd_, n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat opened {};
  const bool same = fd >= 0 && ::fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode) &&
                    opened.st_ino == st.st_ino && opened.st_dev == st.st_dev;
  const bool owned = same && IsOwned(fd, kind, shown, owner_);
  if (fd >= 0) ::close(fd);
  if (owned) return Status::Ok();
  return InvalidArgument(OutputField() + shown + " exists and is not an output of shot " +
                         owner_.shot + " of production " + owner_.production +
                         ": Figurant replaces only its own outputs of the same shot" + fix);
}

Result<StagedFile> PlateDirectory::Stage(std::string_view name, PlateFile kind,
                                         const PlateWriter& write) {
  FIGURANT_RETURN_IF_ERROR(CheckReplaceable(name, kind));
  uint8_t tag[kTempTagBytes];
  RandomBytes(tag, sizeof tag);
  StagedFile staged{std::string(name),
                    std::string(kTempPrefix) + std::string(name) + "." + ToHex(tag, sizeof tag),
                    kind};
  const int fd = ::openat(dir_fd_, staged.temp.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot create " + Shown(staged.temp) + ": " + Errno(errno));
  unpublished_.push_back(staged.temp);
  Status s = write(fd, Shown(staged.name));
  if (s.ok() && ::fsync(fd) != 0)
    s = Unavailable("cannot fsync " + Shown(staged.temp) + ": " + Errno(errno));
  ::close(fd);
  if (!s.ok()) {
    Discard({staged});
    return s;
  }
  return staged;
}

Result<StagedFile> PlateDirectory::StageBytes(std::string_view name, PlateFile kind,
                                              std::string_view bytes) {
  return Stage(name, kind, [bytes](int fd, const std::string& shown) -> Status {
    for (size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return Unavailable("cannot write " + shown + ": " + Errno(n < 0 ? errno : ENOSPC));
      done += static_cast<size_t>(n);
    }
    return Status::Ok();
  });
}

Status PlateDirectory::Publish(const std::vector<StagedFile>& files) {
  for (size_t i = 0; i < files.size(); ++i) {
    const StagedFile& f = files[i];
    Status s = CheckReplaceable(f.name, f.kind);
    if (s.ok() && ::renameat(dir_fd_, f.temp.c_str(), dir_fd_, f.name.c_str()) != 0) {
      s = Unavailable("cannot rename into " + Shown(f.name) + ": " + Errno(errno));
    }
    if (!s.ok()) {
      Discard({files.begin() + static_cast<ptrdiff_t>(i), files.end()});
      return s;
    }
    std::erase(unpublished_, f.temp);
  }
  if (::fsync(dir_fd_) != 0)
    return Unavailable("cannot fsync " + path_.string() + ": " + Errno(errno));
  return Status::Ok();
}

void PlateDirectory::Discard(const std::vector<StagedFile>& files) {
  for (const StagedFile& f : files) {
    ::unlinkat(dir_fd_, f.temp.c_str(), 0);
    std::erase(unpublished_, f.temp);
  }
}

}  // namespace figurant::render
