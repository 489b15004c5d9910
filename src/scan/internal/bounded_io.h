// Assimp's file access for untrusted scans. Every file Assimp opens while importing — the scan
// itself and the side files it names (an OBJ's .mtl, a glTF's .bin buffers) — is opened as a
// core/file.h UserFile: a regular file within the scan's size limit, checked on the opened
// descriptor, read never past the size it had when opened. A FIFO, device or directory a scan
// names is refused (Assimp then treats it as missing), never read without end.
#pragma once

#include <assimp/DefaultIOSystem.h>

#include <string>
#include <vector>

#include "core/file.h"

namespace figurant::scan::internal {

class BoundedIOSystem : public Assimp::DefaultIOSystem {
 public:
  explicit BoundedIOSystem(const FileLimit& limit) : limit_(limit) {}

  // Whether `file` names anything, without opening it (Assimp's default opens it, which blocks
  // forever on a FIFO). Open() then decides whether it may be read.
  bool Exists(const char* file) const override;

  // A read-only stream over `file`, or nullptr when it cannot be opened as a UserFile (the reason
  // is kept in refusals()) or `mode` asks to write.
  Assimp::IOStream* Open(const char* file, const char* mode = "rb") override;

  // Why each file that exists was refused, in the order Assimp asked for them ("<path>: not a
  // regular file (a FIFO); ..."). Files that do not exist are not listed: Assimp probes for
  // optional ones.
  const std::vector<std::string>& refusals() const { return refusals_; }

 private:
  FileLimit limit_;
  std::vector<std::string> refusals_;
};

}  // namespace figurant::scan::internal
