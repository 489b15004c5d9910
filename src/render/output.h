// Writing a rendered frame the way a compositing pipeline expects it:
//   - a multi-layer OpenEXR file (ZIP-compressed, 32-bit float): R G B A (linear, premultiplied),
//     Z (camera depth), N.X N.Y N.Z (world normals), and Cryptomatte layers CryptoAgent00..02,
//     CryptoDouble00..02, CryptoPerformer00..02 with their `cryptomatte/<key>/…` header metadata
//     (name, hash, conversion, manifest), plus figurant/* attributes naming the shot;
//   - an sRGB PNG preview;
//   - a JSON coverage sidecar (docs/scene-spec.md, "Outputs").
// Files are written to a temporary name and renamed into place. Same frame → same bytes.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "render/renderer.h"

namespace figurant::render {

struct FrameNames {
  std::vector<std::string> agents;      // by agent index
  std::vector<std::string> doubles;     // by double index (Renderer::double_names)
  std::vector<std::string> performers;  // by performer index
};

inline constexpr char kAgentLayer[] = "CryptoAgent";
inline constexpr char kDoubleLayer[] = "CryptoDouble";
inline constexpr char kPerformerLayer[] = "CryptoPerformer";

// Writes the frame's EXR. `attributes` become string attributes of the header; `threads`
// compress in parallel (0: all hardware threads). Unavailable when the file cannot be written
// (nothing is left behind); the bytes depend on the frame only, not on `threads`.
Status WriteExr(const std::filesystem::path& path, const Frame& frame, const FrameNames& names,
                const std::map<std::string, std::string>& attributes, int threads = 0);
Status WritePng(const std::filesystem::path& path, const Frame& frame);
// WriteExr, and WritePng to `png` unless it is empty, at the same time: the preview encodes on its
// own thread while the EXR compresses (the EXR's pool leaves a core idle between its strips). The
// EXR's error first, else the PNG's.
Status WriteExrAndPreview(const std::filesystem::path& exr, const std::filesystem::path& png,
                          const Frame& frame, const FrameNames& names,
                          const std::map<std::string, std::string>& attributes, int threads = 0);

// The coverage sidecar: per agent in frame, its double, performer, pixels, heights and box.
nlohmann::json CoverageJson(const Frame& frame, const FrameNames& names,
                            const std::vector<std::string>& agent_doubles,
                            const std::vector<std::string>& agent_performers);

// The conventional companion paths of an EXR: "x.1001.exr" → "x.1001.png" / "x.1001.coverage.json".
std::filesystem::path PngPathFor(const std::filesystem::path& exr);
std::filesystem::path CoveragePathFor(const std::filesystem::path& exr);

}  // namespace figurant::render
