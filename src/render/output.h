// Writing a rendered frame the way a compositing pipeline expects it:
//   - a multi-layer OpenEXR file (ZIP-compressed, 32-bit float): R G B A (linear, premultiplied),
//     Z (camera depth), N.X N.Y N.Z (world normals), and Cryptomatte layers CryptoAgent00..02,
//     CryptoDouble00..02, CryptoPerformer00..02 with their `cryptomatte/<key>/…` header metadata
//     (name, hash, conversion, manifest), plus figurant/* attributes naming the shot;
//   - an sRGB PNG preview, with the same figurant/* attributes as tEXt chunks;
//   - a JSON coverage sidecar (docs/scene-spec.md, "Outputs").
// A render stages a frame's files in its plate directory (render/plate_dir.h), the only way its
// outputs reach the disk; WriteExr and WritePng write a path as told, for tests and tools.
// Same frame → same bytes.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "render/plate_dir.h"
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

// Writes the frame's EXR to `fd` (open for writing, empty; left open, not synced). `attributes`
// become string attributes of the header; `threads` compress in parallel (0: all hardware
// threads). Unavailable naming `shown` when the file cannot be written; the bytes depend on the
// frame only, not on `threads`.
Status WriteExrTo(int fd, const std::string& shown, const Frame& frame, const FrameNames& names,
                  const std::map<std::string, std::string>& attributes, int threads = 0);
// WriteExrTo a file created (or truncated) at `path`.
Status WriteExr(const std::filesystem::path& path, const Frame& frame, const FrameNames& names,
                const std::map<std::string, std::string>& attributes, int threads = 0);

// The sRGB preview (straight alpha) as PNG bytes, with `text` as tEXt chunks after the header
// (keywords of 1 to 79 Latin-1 characters; others are left out).
Result<std::string> EncodePng(const Frame& frame,
                              const std::map<std::string, std::string>& text = {});
// EncodePng to `path`, atomically (core/file.h).
Status WritePng(const std::filesystem::path& path, const Frame& frame);

// One frame's files, by their final names in the plate directory.
struct FrameFiles {
  std::string exr;
  std::string png;  // empty: no preview
  std::string coverage;
};
// The files of the frame whose EXR is `exr`: "x.1001.exr" → "x.1001.png" (when `preview`) and
// "x.1001.coverage.json".
FrameFiles FrameFilesFor(const std::string& exr, bool preview);

// Stages the frame's files in `plates`: the EXR with `attributes` in its header, the PNG preview
// with them as text (encoded on its own thread while the EXR compresses), and `coverage` as the
// sidecar. Returns them in the order to publish them: sidecar, preview, EXR last, so that whoever
// sees the EXR finds the others beside it. On failure nothing stays staged; the EXR's error first.
Result<std::vector<StagedFile>> StageFrame(PlateDirectory& plates, const FrameFiles& files,
                                           const Frame& frame, const FrameNames& names,
                                           const std::map<std::string, std::string>& attributes,
                                           const nlohmann::json& coverage, int threads = 0);

// The coverage sidecar: per agent in frame, its double, performer, pixels, heights and box.
nlohmann::json CoverageJson(const Frame& frame, const FrameNames& names,
                            const std::vector<std::string>& agent_doubles,
                            const std::vector<std::string>& agent_performers);

}  // namespace figurant::render
