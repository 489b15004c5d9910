#include "registry/internal/passkey_columns.h"

#include <limits>

namespace figurant::registry::internal {
PasskeyCredential ReadPasskeyCredential(RowReader& r, int first) {
  PasskeyCredential c;
  c.id = r.Blob(first, kMinCredentialIdBytes, kMaxCredentialIdBytes);
  c.algorithm = static_cast<int>(r.Integer(first + 1, kCoseEdDsa, kCoseEs256));
  c.public_key_spki = r.Blob(first + 2, 1, kMaxSpkiBytes);
  c.sign_count =
      static_cast<uint32_t>(r.Integer(first + 3, 0, std::numeric_limits<uint32_t>::max()));
  return c;
}

void BindPasskeyCredential(Statement& s, int first, const PasskeyCredential& c) {
  s.BindBlob(first, c.id)
      .Bind(first + 1, int64_t{c.algorithm})
      .BindBlob(first + 2, c.public_key_spki)
      .Bind(first + 3, int64_t{c.sign_count});
}

}  // namespace figurant::registry::internal
