// OpenEXR streams over an open file descriptor, so that plates are written to and read from files
// the plate directory opened itself (relative to its directory, never through a symbolic link),
// not by path. Positioned reads and writes (pread/pwrite): OpenEXR seeks back to write the line
// offset table. The descriptor stays owned by the caller.
#pragma once

#include <ImfIO.h>

#include <cstdint>
#include <string>

namespace figurant::render::internal {

class FdOStream : public Imf::OStream {
 public:
  FdOStream(int fd, const std::string& shown);
  // Throws Iex::ErrnoExc on a failed write (OpenEXR's convention); failed() stays true after, for
  // the writes OpenEXR makes in OutputFile's destructor, whose exceptions it swallows.
  void write(const char c[], int n) override;
  uint64_t tellp() override { return pos_; }
  void seekp(uint64_t pos) override { pos_ = pos; }
  bool failed() const { return failed_; }

 private:
  int fd_;
  uint64_t pos_ = 0;
  bool failed_ = false;
};

class FdIStream : public Imf::IStream {
 public:
  FdIStream(int fd, const std::string& shown);
  // Throws Iex::InputExc at the end of the file, Iex::ErrnoExc on a failed read.
  bool read(char c[], int n) override;
  uint64_t tellg() override { return pos_; }
  void seekg(uint64_t pos) override { pos_ = pos; }

 private:
  int fd_;
  uint64_t pos_ = 0;
  uint64_t size_ = 0;
};

}  // namespace figurant::render::internal
