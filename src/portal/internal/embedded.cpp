#include "portal/internal/embedded.h"

namespace figurant::portal::internal {

const EmbeddedFile* FindEmbedded(std::string_view path) {
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

}  // namespace figurant::portal::internal
