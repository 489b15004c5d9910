#include "render/output.h"

#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfOutputFile.h>
#include <ImfStringAttribute.h>
#include <ImfThreading.h>
#include <fcntl.h>
#include <png.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/file.h"
#include "render/cryptomatte.h"
#include "render/internal/fd_stream.h"

namespace figurant::render {
namespace fs = std::filesystem;

namespace {

// Rows written per writePixels call: a whole number of ZIP blocks (16 scanlines), enough blocks
// for the compression threads, and small enough that the Cryptomatte channels are never held for
// the whole frame (9 layers × 4 floats per pixel would be 300 MB at 1080p).
constexpr int kStripRows = 128;
// zlib level for the EXR's ZIP compression: at 1080p, level 1 writes in about half the time of
// level 4 for files about 10% larger (the float id channels barely compress at any level).
constexpr int kZipLevel = 1;

// One Cryptomatte rank layer (ranks 2k and 2k+1) of rows [y0, y0 + rows), interleaved RGBA.
void FillCryptoStrip(const CryptoLayer& layer, const std::vector<uint32_t>& hashes, int k,
                     int width, int y0, int rows, float* out) {
  std::fill(out, out + static_cast<size_t>(width) * rows * 4, 0.0f);
  for (int r = 0; r < rows; ++r) {
    for (int x = 0; x < width; ++x) {
      const auto entries = layer.Pixel(static_cast<size_t>(y0 + r) * width + x);
      float* px = out + (static_cast<size_t>(r) * width + x) * 4;
      for (size_t rank = 2 * static_cast<size_t>(k), c = 0; rank < entries.size() && c < 2;
           ++rank, ++c) {
        const CryptoEntry& e = entries[rank];
        std::memcpy(&px[2 * c], &hashes[static_cast<size_t>(e.index)], sizeof(float));
        px[2 * c + 1] = e.coverage;
      }
    }
  }
}

// Cryptomatte rank layers per Cryptomatte layer: ranks 2k and 2k+1 in layer k's RGBA.
constexpr int kRankLayers = kCryptoRanks / 2;
constexpr const char* kRgba[4] = {".R", ".G", ".B", ".A"};

// One Cryptomatte layer as the EXR stores it: its entries, and the hash of every name.
struct CryptoChannels {
  const char* name = nullptr;  // kAgentLayer, kDoubleLayer or kPerformerLayer
  const CryptoLayer* layer = nullptr;
  std::vector<uint32_t> hashes;              // by index: CryptomatteHash of the name
  std::map<std::string, uint32_t> manifest;  // name → hash
};

std::array<CryptoChannels, 3> HashLayers(const Frame& f, const FrameNames& names) {
  std::array<CryptoChannels, 3> layers = {CryptoChannels{kAgentLayer, &f.crypto_agent},
                                          CryptoChannels{kDoubleLayer, &f.crypto_double},
                                          CryptoChannels{kPerformerLayer, &f.crypto_performer}};
  const std::vector<std::string>* by_layer[3] = {&names.agents, &names.doubles, &names.performers};
  for (size_t li = 0; li < layers.size(); ++li) {
    layers[li].hashes.reserve(by_layer[li]->size());
    for (const std::string& n : *by_layer[li]) {
      const uint32_t h = CryptomatteHash(n);
      layers[li].hashes.push_back(h);
      layers[li].manifest[n] = h;
    }
  }
  return layers;
}

// "CryptoAgent00": rank layer k of a Cryptomatte layer.
std::string RankLayerName(const char* layer, int k) {
  return std::string(layer) + (k < 10 ? "0" : "") + std::to_string(k);
}

// ZIP-compressed float channels: each Cryptomatte layer's metadata and rank layers, then the
// beauty, depth and normals; the caller's attributes as strings.
Imf::Header ExrHeader(const Frame& f, const std::array<CryptoChannels, 3>& layers,
                      const std::map<std::string, std::string>& attributes) {
  Imf::Header header(f.width, f.height);
  header.compression() = Imf::ZIP_COMPRESSION;
  header.zipCompressionLevel() = kZipLevel;
  for (const auto& [k, v] : attributes) header.insert(k, Imf::StringAttribute(v));
  for (const CryptoChannels& l : layers) {
    const std::string prefix = CryptomatteKeyPrefix(l.name);
    header.insert(prefix + "name", Imf::StringAttribute(l.name));
    header.insert(prefix + "hash", Imf::StringAttribute("MurmurHash3_32"));
    header.insert(prefix + "conversion", Imf::StringAttribute("uint32_to_float32"));
    header.insert(prefix + "manifest", Imf::StringAttribute(ManifestJson(l.manifest)));
    for (int k = 0; k < kRankLayers; ++k) {
      for (const char* c : kRgba) {
        header.channels().insert(RankLayerName(l.name, k) + c, Imf::Channel(Imf::FLOAT));
      }
    }
  }
  for (const char* c : {"R", "G", "B", "A", "Z", "N.X", "N.Y", "N.Z"}) {
    header.channels().insert(c, Imf::Channel(Imf::FLOAT));
  }
  return header;
}

// Slices over the whole frame's beauty, depth and normals (held in memory anyway).
void InsertFrameSlices(const Frame& f, Imf::FrameBuffer& fb) {
  auto whole = [&](const char* channel, const float* base, size_t stride_floats) {
    fb.insert(channel, Imf::Slice(Imf::FLOAT, reinterpret_cast<char*>(const_cast<float*>(base)),
                                  sizeof(float) * stride_floats,
                                  sizeof(float) * stride_floats * static_cast<size_t>(f.width)));
  };
  whole("R", f.rgba.data(), 4);
  whole("G", f.rgba.data() + 1, 4);
  whole("B", f.rgba.data() + 2, 4);
  whole("A", f.rgba.data() + 3, 4);
  whole("Z", f.depth.data(), 1);
  whole("N.X", f.normal.data(), 3);
  whole("N.Y", f.normal.data() + 1, 3);
  whole("N.Z", f.normal.data() + 2, 3);
}

// Fills `strip` with every rank layer's rows [y0, y0 + rows) and inserts slices over them; each
// slice starts at pixel (0, y0), as only this strip's rows are in memory.
void InsertCryptoStrip(const std::array<CryptoChannels, 3>& layers, int width, int y0, int rows,
                       std::vector<float>& strip, Imf::FrameBuffer& fb) {
  const size_t strip_floats = static_cast<size_t>(width) * kStripRows * 4;
  for (size_t li = 0; li < layers.size(); ++li) {
    for (int k = 0; k < kRankLayers; ++k) {
      float* block = strip.data() + (li * kRankLayers + static_cast<size_t>(k)) * strip_floats;
      FillCryptoStrip(*layers[li].layer, layers[li].hashes, k, width, y0, rows, block);
      const std::string base = RankLayerName(layers[li].name, k);
      for (int c = 0; c < 4; ++c) {
        fb.insert(base + kRgba[c],
                  Imf::Slice::Make(Imf::FLOAT, block + c, Imath::V2i(0, y0), width, rows,
                                   sizeof(float) * 4, sizeof(float) * 4 * width));
      }
    }
  }
}

// Writes the frame kStripRows rows at a time.
void WritePixels(Imf::OutputFile& file, const Frame& f,
                 const std::array<CryptoChannels, 3>& layers) {
  std::vector<float> strip(static_cast<size_t>(f.width) * kStripRows * 4 * 3 * kRankLayers);
  for (int y0 = 0; y0 < f.height; y0 += kStripRows) {
    const int rows = std::min(kStripRows, f.height - y0);
    Imf::FrameBuffer fb;
    InsertFrameSlices(f, fb);
    InsertCryptoStrip(layers, f.width, y0, rows, strip, fb);
    file.setFrameBuffer(fb);
    file.writePixels(rows);
  }
}

// OpenEXR compresses line buffers on its global thread pool, which has no threads until told:
// without this, an OutputFile asked for N threads still compresses every block on the caller's
// thread. Grows the pool to `threads` (never shrinks it: another writer may be using it).
void EnsureExrThreads(int threads) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (Imf::globalThreadCount() < threads) Imf::setGlobalThreadCount(threads);
}

// A PNG's signature (8 bytes) and IHDR chunk (length, type, 13 bytes, CRC): text chunks follow.
constexpr size_t kPngHeaderBytes = 8 + 4 + 4 + 13 + 4;
constexpr size_t kMaxPngKeywordBytes = 79;

void AppendBigEndian32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// tEXt chunks (PNG specification, 11.3.4.3), one per entry whose keyword and text PNG allows.
std::string TextChunks(const std::map<std::string, std::string>& text) {
  std::string out;
  for (const auto& [keyword, value] : text) {
    if (keyword.empty() || keyword.size() > kMaxPngKeywordBytes ||
        keyword.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
      continue;
    }
    const std::string chunk = "tEXt" + keyword + '\0' + value;  // type and data
    AppendBigEndian32(out, static_cast<uint32_t>(chunk.size() - 4));
    out += chunk;
    AppendBigEndian32(out,
                      static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(chunk.data()),
                                                    static_cast<uInt>(chunk.size()))));
  }
  return out;
}

uint8_t ToSrgb8(float linear) {
  const float c = std::clamp(linear, 0.0f, 1.0f);
  const float s = c <= 0.0031308f ? c * 12.92f : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
  return static_cast<uint8_t>(std::lround(s * 255.0f));
}

}  // namespace

Status WriteExrTo(int fd, const std::string& shown, const Frame& f, const FrameNames& names,
                  const std::map<std::string, std::string>& attributes, int threads) {
  const std::array<CryptoChannels, 3> layers = HashLayers(f, names);
  const Imf::Header header = ExrHeader(f, layers, attributes);
  internal::FdOStream out(fd, shown);
  try {
    const int exr_threads =
        threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    EnsureExrThreads(exr_threads);
    Imf::OutputFile file(out, header, exr_threads);
    WritePixels(file, f, layers);
  } catch (const std::exception& e) {
    return Unavailable("cannot write " + shown + ": " + e.what());
  }
  // The line offset table is written as the file closes, where OpenEXR swallows errors.
  if (out.failed()) return Unavailable("cannot write " + shown);
  return Status::Ok();
}

Status WriteExr(const fs::path& path, const Frame& f, const FrameNames& names,
                const std::map<std::string, std::string>& attributes, int threads) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot create " + path.string() + ": " + std::strerror(errno));
  const Status s = WriteExrTo(fd, path.string(), f, names, attributes, threads);
  return ::close(fd) == 0 || !s.ok() ? s : Unavailable("cannot write " + path.string());
}

Result<std::string> EncodePng(const Frame& f, const std::map<std::string, std::string>& text) {
  std::vector<uint8_t> px(static_cast<size_t>(f.width) * f.height * 4);
  for (size_t i = 0; i < px.size() / 4; ++i) {
    const float a = f.rgba[i * 4 + 3];
    const float inv = a > 0 ? 1.0f / a : 0.0f;  // straight alpha for PNG
    for (int c = 0; c < 3; ++c) px[i * 4 + c] = ToSrgb8(f.rgba[i * 4 + c] * inv);
    px[i * 4 + 3] = static_cast<uint8_t>(std::lround(std::clamp(a, 0.0f, 1.0f) * 255.0f));
  }
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(f.width);
  image.height = static_cast<png_uint_32>(f.height);
  image.format = PNG_FORMAT_RGBA;
  // A preview: libpng's fast setting writes a 1080p frame in about a fifth of the default's time
  // for a somewhat larger file.
  image.flags = PNG_IMAGE_FLAG_FAST;
  // One encoding pass into a buffer of the worst-case size (png_image_write_get_memory_size would
  // compress the whole image once more just to measure it).
  png_alloc_size_t size = PNG_IMAGE_PNG_SIZE_MAX(image);
  std::string bytes(size, '\0');
  if (!png_image_write_to_memory(&image, bytes.data(), &size, 0, px.data(), 0, nullptr)) {
    return Internal(std::string("libpng cannot encode the preview: ") + image.message);
  }
  bytes.resize(size);
  bytes.insert(kPngHeaderBytes, TextChunks(text));
  return bytes;
}

Status WritePng(const fs::path& path, const Frame& f) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string bytes, EncodePng(f));
  return WriteFileAtomic(path, bytes);
}

FrameFiles FrameFilesFor(const std::string& exr, bool preview) {
  const std::string stem = fs::path(exr).replace_extension().string();
  return {exr, preview ? stem + ".png" : "", stem + ".coverage.json"};
}

Result<std::vector<StagedFile>> StageFrame(PlateDirectory& plates, const FrameFiles& files,
                                           const Frame& frame, const FrameNames& names,
                                           const std::map<std::string, std::string>& attributes,
                                           const nlohmann::json& coverage, int threads) {
  Result<std::string> png = std::string();
  std::thread preview;
  if (!files.png.empty()) preview = std::thread([&] { png = EncodePng(frame, attributes); });
  auto exr = plates.Stage(files.exr, PlateFile::kExr, [&](int fd, const std::string& shown) {
    return WriteExrTo(fd, shown, frame, names, attributes, threads);
  });
  if (preview.joinable()) preview.join();
  if (!exr.ok()) return exr.status();
  std::vector<StagedFile> staged = {*exr};
  auto discard_on_error = [&](const Status& s) {
    if (!s.ok()) plates.Discard(staged);
    return s;
  };
  FIGURANT_RETURN_IF_ERROR(discard_on_error(png.status()));
  if (!files.png.empty()) {
    auto p = plates.StageBytes(files.png, PlateFile::kPng, *png);
    FIGURANT_RETURN_IF_ERROR(discard_on_error(p.status()));
    staged.insert(staged.begin(), *p);
  }
  auto cov = plates.StageBytes(files.coverage, PlateFile::kCoverage, coverage.dump(1));
  FIGURANT_RETURN_IF_ERROR(discard_on_error(cov.status()));
  staged.insert(staged.begin(), *cov);
  return staged;
}

nlohmann::json CoverageJson(const Frame& f, const FrameNames& names,
                            const std::vector<std::string>& agent_doubles,
                            const std::vector<std::string>& agent_performers) {
  nlohmann::json agents = nlohmann::json::array();
  for (const AgentCoverage& c : f.coverage) {
    const auto a = static_cast<size_t>(c.agent);
    agents.push_back({{"agent", names.agents[a]},
                      {"double", agent_doubles[a]},
                      {"performer", agent_performers[a]},
                      {"pixels", c.pixels},
                      {"screen_height_fraction", c.screen_height_fraction},
                      {"visible_height_fraction", c.visible_height_fraction},
                      {"silhouette_fraction", c.silhouette_fraction},
                      {"bbox", {c.bbox[0], c.bbox[1], c.bbox[2], c.bbox[3]}},
                      {"lod", c.lod}});
  }
  return {{"figurant_coverage", 1}, {"frame", f.frame}, {"width", f.width},
          {"height", f.height},     {"spp", f.spp},     {"agents", agents}};
}

}  // namespace figurant::render
