#include "scan/internal/bounded_io.h"

#include <sys/stat.h>

#include <assimp/IOStream.hpp>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace figurant::scan::internal {
namespace {

// A read-only Assimp stream over a UserFile: reads and seeks stay within the size the file had
// when it was opened.
class UserFileStream : public Assimp::IOStream {
 public:
  explicit UserFileStream(UserFile file) : file_(std::move(file)) {}

  size_t Read(void* buffer, size_t size, size_t count) override {
    if (size == 0 || count == 0) return 0;
    const uint64_t left = file_.size() - pos_;
    // Whole elements only, as fread; never more than what is left of the file.
    const uint64_t elements = std::min<uint64_t>(count, left / size);
    auto* out = static_cast<char*>(buffer);
    uint64_t done = 0;
    while (done < elements * size) {
      auto n = file_.ReadAt(pos_ + done, out + done, static_cast<size_t>(elements * size - done));
      if (!n.ok() || *n == 0) break;  // an I/O error reads as the end of the file
      done += *n;
    }
    pos_ += done;
    return static_cast<size_t>(done / size);
  }

  size_t Write(const void*, size_t, size_t) override { return 0; }

  // The offset is negative, as size_t, for aiOrigin_END (IOStream's contract).
  aiReturn Seek(size_t offset, aiOrigin origin) override {
    const auto delta = static_cast<int64_t>(offset);
    int64_t to = 0;
    switch (origin) {
      case aiOrigin_SET:
        to = delta;
        break;
      case aiOrigin_CUR:
        to = static_cast<int64_t>(pos_) + delta;
        break;
      case aiOrigin_END:
        to = static_cast<int64_t>(file_.size()) + delta;
        break;
      default:
        return aiReturn_FAILURE;
    }
    if (to < 0 || static_cast<uint64_t>(to) > file_.size()) return aiReturn_FAILURE;
    pos_ = static_cast<uint64_t>(to);
    return aiReturn_SUCCESS;
  }

  size_t Tell() const override { return static_cast<size_t>(pos_); }
  size_t FileSize() const override { return static_cast<size_t>(file_.size()); }
  void Flush() override {}

 private:
  UserFile file_;
  uint64_t pos_ = 0;
};

}  // namespace

bool BoundedIOSystem::Exists(const char* file) const {
  struct stat st {};
  return ::stat(file, &st) == 0;
}

Assimp::IOStream* BoundedIOSystem::Open(const char* file, const char* mode) {
  if (std::strpbrk(mode, "wa+") != nullptr) return nullptr;
  auto opened = UserFile::Open(file, limit_);
  if (!opened.ok()) {
    if (opened.status().code() != StatusCode::kNotFound) {
      refusals_.push_back(opened.status().message());
    }
    return nullptr;
  }
  // Assimp's interface hands out raw pointers it later gives back to Close(), which deletes them.
  return std::make_unique<UserFileStream>(std::move(opened).value()).release();
}

}  // namespace figurant::scan::internal
