// The four columns a WebAuthn credential takes in the registry (schema v8: signer_keys' passkey_*
// columns and user_passkeys): id, COSE algorithm, SPKI and sign count, read strictly and bound in
// that order. Private to the registry module.
#pragma once

#include "registry/internal/row_reader.h"
#include "registry/internal/sqlite.h"
#include "registry/registry.h"

namespace figurant::registry::internal {

// Columns first..first+3. A value outside its column's limits fails the reader (DataLoss).
PasskeyCredential ReadPasskeyCredential(RowReader& r, int first);

// Binds `credential` to parameters first..first+3.
void BindPasskeyCredential(Statement& s, int first, const PasskeyCredential& credential);

}  // namespace figurant::registry::internal
