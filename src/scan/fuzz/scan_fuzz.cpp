// libFuzzer target for the ingest entry point (ImportMemory) and the double asset decoder. The
// first byte picks the format hint; the rest is the file. Build with -DFIGURANT_FUZZ=ON using
// clang (scripts/fuzz.sh; docs/store.md, "Fuzzing"); seeds are in src/scan/fuzz/corpus/.
//
// Assimp parses in a forked child (scan/internal/isolate.h), whose coverage libFuzzer cannot see.
// So the same bytes also go, in process, through what the parent runs on the child's answer — the
// asset decoder and the whole of validation, normalisation and levels of detail — where coverage
// guides the fuzzer and a crash is a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "geom/mesh_codec.h"
#include "scan/internal/finish.h"
#include "scan/scan.h"

namespace {

constexpr size_t kMaxTriangles = 200'000;  // keep each input fast

void CheckRoundTrip(const figurant::geom::DoubleAsset& asset) {
  const std::string encoded = figurant::geom::EncodeDoubleAsset(asset);
  auto back = figurant::geom::DecodeDoubleAsset(encoded);
  if (!back.ok()) __builtin_trap();  // a double we wrote must read back
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kHints[] = {"obj", "ply", "gltf", "glb",
                                                "dae", "fbx", "stl",  "off"};
  if (size < 1) return 0;
  const std::string_view hint = kHints[data[0] % std::size(kHints)];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  figurant::scan::ImportOptions options;
  options.max_triangles = kMaxTriangles;
  options.import_timeout_seconds = 5;
  auto scan = figurant::scan::ImportMemory(bytes, hint, "fuzz-input", options);
  if (scan.ok()) CheckRoundTrip(scan->asset);

  auto asset = figurant::geom::DecodeDoubleAsset(bytes);
  if (!asset.ok()) return 0;
  figurant::scan::internal::RawScan raw;
  raw.mesh = std::move(asset->mesh);
  raw.up_is_known_y = (data[0] & 0x10) != 0;
  raw.facing_is_known_z = (data[0] & 0x20) != 0;
  auto finished = figurant::scan::internal::Finish(std::move(raw), "fuzz-asset", options);
  if (finished.ok()) CheckRoundTrip(finished->asset);
  return 0;
}
