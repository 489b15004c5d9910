#include "render/internal/fd_stream.h"

#include <Iex.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace figurant::render::internal {

FdOStream::FdOStream(int fd, const std::string& shown) : Imf::OStream(shown.c_str()), fd_(fd) {}

void FdOStream::write(const char c[], int n) {
  for (size_t done = 0; done < static_cast<size_t>(n);) {
    const ssize_t w =
        ::pwrite(fd_, c + done, static_cast<size_t>(n) - done, static_cast<off_t>(pos_ + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      failed_ = true;
      throw Iex::IoExc(std::string(fileName()) + ": " + std::strerror(w < 0 ? errno : ENOSPC));
    }
    done += static_cast<size_t>(w);
  }
  pos_ += static_cast<uint64_t>(n);
}

FdIStream::FdIStream(int fd, const std::string& shown) : Imf::IStream(shown.c_str()), fd_(fd) {
  struct stat st {};
  if (::fstat(fd_, &st) == 0) size_ = static_cast<uint64_t>(st.st_size);
}

bool FdIStream::read(char c[], int n) {
  if (n < 0 || pos_ + static_cast<uint64_t>(n) > size_) {
    throw Iex::InputExc(std::string(fileName()) + ": unexpected end of file");
  }
  for (size_t done = 0; done < static_cast<size_t>(n);) {
    const ssize_t r =
        ::pread(fd_, c + done, static_cast<size_t>(n) - done, static_cast<off_t>(pos_ + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      throw Iex::IoExc(std::string(fileName()) + ": " +
                       (r < 0 ? std::strerror(errno) : "unexpected end of file"));
    }
    done += static_cast<size_t>(r);
  }
  pos_ += static_cast<uint64_t>(n);
  return pos_ < size_;
}

}  // namespace figurant::render::internal
