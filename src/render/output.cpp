#include "render/output.h"

#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfOutputFile.h>
#include <ImfStringAttribute.h>
#include <png.h>

#include <cmath>
#include <cstring>

#include "core/crypto.h"
#include "core/file.h"
#include "render/cryptomatte.h"

namespace figurant::render {
namespace fs = std::filesystem;

namespace {

std::string TempName(const fs::path& path) {
  uint8_t rnd[6];
  RandomBytes(rnd, sizeof rnd);
  return path.string() + ".tmp-" + ToHex(rnd, sizeof rnd);
}

// Interleaved RGBA channel data of one Cryptomatte layer rank group (ranks 2k and 2k+1).
void FillCryptoLayer(const std::vector<CryptoPixel>& px, const std::vector<uint32_t>& hashes,
                     int layer, std::vector<float>& out) {
  out.assign(px.size() * 4, 0.0f);
  for (size_t i = 0; i < px.size(); ++i) {
    for (int r = 0; r < 2; ++r) {
      const CryptoEntry& e = px[i][2 * static_cast<size_t>(layer) + static_cast<size_t>(r)];
      if (e.index < 0) continue;
      float id;
      std::memcpy(&id, &hashes[static_cast<size_t>(e.index)], sizeof id);
      out[i * 4 + 2 * r] = id;
      out[i * 4 + 2 * r + 1] = e.coverage;
    }
  }
}

uint8_t ToSrgb8(float linear) {
  const float c = std::clamp(linear, 0.0f, 1.0f);
  const float s = c <= 0.0031308f ? c * 12.92f : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
  return static_cast<uint8_t>(std::lround(s * 255.0f));
}

}  // namespace

fs::path PngPathFor(const fs::path& exr) {
  fs::path p = exr;
  return p.replace_extension(".png");
}

fs::path CoveragePathFor(const fs::path& exr) {
  fs::path p = exr;
  return p.replace_extension(".coverage.json");
}

Status WriteExr(const fs::path& path, const Frame& f, const FrameNames& names,
                const std::map<std::string, std::string>& attributes) {
  const int W = f.width, H = f.height;
  Imf::Header header(W, H);
  header.compression() = Imf::ZIP_COMPRESSION;
  for (const auto& [k, v] : attributes) header.insert(k, Imf::StringAttribute(v));

  struct Layer {
    const char* name;
    const std::vector<CryptoPixel>* px;
    const std::vector<std::string>* names;
  };
  const Layer layers[] = {{kAgentLayer, &f.crypto_agent, &names.agents},
                          {kDoubleLayer, &f.crypto_double, &names.doubles},
                          {kPerformerLayer, &f.crypto_performer, &names.performers}};
  // Buffers must outlive writePixels.
  std::vector<std::vector<float>> crypto_buffers;
  std::vector<std::vector<uint32_t>> hash_tables;
  for (const Layer& l : layers) {
    std::map<std::string, uint32_t> manifest;
    std::vector<uint32_t> hashes;
    for (const std::string& n : *l.names) {
      const uint32_t h = CryptomatteHash(n);
      hashes.push_back(h);
      manifest[n] = h;
    }
    const std::string prefix = CryptomatteKeyPrefix(l.name);
    header.insert(prefix + "name", Imf::StringAttribute(l.name));
    header.insert(prefix + "hash", Imf::StringAttribute("MurmurHash3_32"));
    header.insert(prefix + "conversion", Imf::StringAttribute("uint32_to_float32"));
    header.insert(prefix + "manifest", Imf::StringAttribute(ManifestJson(manifest)));
    hash_tables.push_back(std::move(hashes));
  }

  Imf::FrameBuffer fb;
  auto add = [&](const std::string& channel, const float* base, size_t stride_floats) {
    header.channels().insert(channel, Imf::Channel(Imf::FLOAT));
    fb.insert(channel, Imf::Slice(Imf::FLOAT, reinterpret_cast<char*>(const_cast<float*>(base)),
                                  sizeof(float) * stride_floats,
                                  sizeof(float) * stride_floats * static_cast<size_t>(W)));
  };
  add("R", f.rgba.data(), 4);
  add("G", f.rgba.data() + 1, 4);
  add("B", f.rgba.data() + 2, 4);
  add("A", f.rgba.data() + 3, 4);
  add("Z", f.depth.data(), 1);
  add("N.X", f.normal.data(), 3);
  add("N.Y", f.normal.data() + 1, 3);
  add("N.Z", f.normal.data() + 2, 3);
  for (size_t li = 0; li < 3; ++li) {
    for (int rank_layer = 0; rank_layer < kCryptoRanks / 2; ++rank_layer) {
      crypto_buffers.emplace_back();
      FillCryptoLayer(*layers[li].px, hash_tables[li], rank_layer, crypto_buffers.back());
      char suffix[8];
      std::snprintf(suffix, sizeof suffix, "%02d", rank_layer);
      const std::string base = std::string(layers[li].name) + suffix;
      const float* d = crypto_buffers.back().data();
      add(base + ".R", d, 4);
      add(base + ".G", d + 1, 4);
      add(base + ".B", d + 2, 4);
      add(base + ".A", d + 3, 4);
    }
  }
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  const std::string tmp = TempName(path);
  try {
    Imf::OutputFile file(tmp.c_str(), header);
    file.setFrameBuffer(fb);
    file.writePixels(H);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    return Unavailable("cannot write " + path.string() + ": " + e.what());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Unavailable("cannot rename into " + path.string() + ": " + ec.message());
  return SyncDirectory(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

Status WritePng(const fs::path& path, const Frame& f) {
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
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(image, size, 0, px.data(), 0, nullptr)) {
    return Internal("libpng cannot size " + path.string());
  }
  std::string bytes(size, '\0');
  if (!png_image_write_to_memory(&image, bytes.data(), &size, 0, px.data(), 0, nullptr)) {
    return Internal("libpng cannot encode " + path.string() + ": " + image.message);
  }
  bytes.resize(size);
  return WriteFileAtomic(path, bytes);
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
                      {"bbox", {c.bbox[0], c.bbox[1], c.bbox[2], c.bbox[3]}},
                      {"lod", c.lod}});
  }
  return {{"figurant_coverage", 1}, {"frame", f.frame}, {"width", f.width},
          {"height", f.height},     {"spp", f.spp},     {"agents", agents}};
}

}  // namespace figurant::render
