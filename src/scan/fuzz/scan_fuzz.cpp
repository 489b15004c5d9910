// libFuzzer target for the ingest entry point (ImportMemory) and the double asset decoder. The
// first byte picks the format hint; the rest is the file. Build with -DFIGURANT_FUZZ=ON using
// clang (see docs/store.md, "Fuzzing"); seeds are in src/scan/fuzz/corpus/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "geom/mesh_codec.h"
#include "scan/scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kHints[] = {"obj", "ply", "gltf", "glb",
                                                "dae", "fbx", "stl",  "off"};
  if (size < 1) return 0;
  const std::string_view hint = kHints[data[0] % std::size(kHints)];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  figurant::scan::ImportOptions options;
  options.max_triangles = 200'000;  // keep each input fast
  options.import_timeout_seconds = 5;
  auto scan = figurant::scan::ImportMemory(bytes, hint, "fuzz-input", options);
  if (scan.ok()) {
    const std::string encoded = figurant::geom::EncodeDoubleAsset(scan->asset);
    auto back = figurant::geom::DecodeDoubleAsset(encoded);
    if (!back.ok()) __builtin_trap();  // a double we wrote must read back
  }
  (void)figurant::geom::DecodeDoubleAsset(bytes);
  return 0;
}
