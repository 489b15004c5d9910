// The shared second half of every import: validation, unit detection, normalisation, levels of
// detail and skeleton name mapping.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "geom/mesh.h"
#include "scan/scan.h"

namespace figurant::scan::internal {

struct RawScan {
  geom::Mesh mesh;     // source units and orientation; skeleton in the same space
  std::string sha256;  // hex digest of the source bytes
  std::vector<std::string> warnings;
  bool up_is_known_y = false;        // the format guarantees +Y up (e.g. MakeHuman, glTF)
  bool facing_is_known_z = false;    // the source faces +Z by construction (MakeHuman)
  std::optional<Units> fixed_units;  // the format fixes the units (MakeHuman: decimetres)
};

// `name` (the file) prefixes every message.
Result<ImportedScan> Finish(RawScan raw, std::string_view name, const ImportOptions& options);

}  // namespace figurant::scan::internal
