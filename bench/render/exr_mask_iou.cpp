// Do two plates show the same crowd? Compares the masks of two EXR files — Figurant's and Blender
// Cycles' renders of one scene file — by intersection over union (Jaccard index):
//   - alpha: the beauty's alpha (ground, set and agents against the sky);
//   - agents: the sum of Cryptomatte coverage of every id except the excluded names (the ground),
//     i.e. the people alone.
// Each mask is compared binarised at 0.5 ("iou") and as soft coverage (Σ min / Σ max).
//
//   exr_mask_iou A.exr A_ALPHA A_CRYPTO B.exr B_ALPHA B_CRYPTO [--exclude NAME]...
// e.g. exr_mask_iou fig.exr A CryptoAgent cyc.exr ViewLayer.Combined.A ViewLayer.CryptoObject
//          --exclude Ground
// Prints one JSON object.
#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "render/cryptomatte.h"

namespace {

struct Masks {
  int width = 0, height = 0;
  std::vector<float> alpha, agents;
};

std::vector<float> Channel(Imf::InputFile& file, const std::string& name, int w, int h) {
  std::vector<float> out(static_cast<size_t>(w) * h, 0.0f);
  if (file.header().channels().findChannel(name) == nullptr) {
    throw std::runtime_error(std::string(file.fileName()) + " has no channel " + name);
  }
  const Imath::Box2i dw = file.header().dataWindow();
  Imf::FrameBuffer fb;
  char* base = reinterpret_cast<char*>(out.data()) -
               (static_cast<ptrdiff_t>(dw.min.x) + static_cast<ptrdiff_t>(dw.min.y) * w) *
                   static_cast<ptrdiff_t>(sizeof(float));
  fb.insert(name, Imf::Slice(Imf::FLOAT, base, sizeof(float), sizeof(float) * w));
  file.setFrameBuffer(fb);
  file.readPixels(dw.min.y, dw.max.y);
  return out;
}

Masks Read(const std::string& path, const std::string& alpha, const std::string& crypto,
           const std::set<uint32_t>& excluded) {
  Imf::InputFile file(path.c_str());
  const Imath::Box2i dw = file.header().dataWindow();
  Masks m;
  m.width = dw.max.x - dw.min.x + 1;
  m.height = dw.max.y - dw.min.y + 1;
  m.alpha = Channel(file, alpha, m.width, m.height);
  m.agents.assign(m.alpha.size(), 0.0f);
  for (int layer = 0;; ++layer) {
    const std::string base = crypto + (layer < 10 ? "0" : "") + std::to_string(layer);
    // Blender writes its Cryptomatte channels in lower case (".r"), the spec's examples upper.
    const bool upper = file.header().channels().findChannel(base + ".R") != nullptr;
    if (!upper && file.header().channels().findChannel(base + ".r") == nullptr) {
      if (layer == 0) throw std::runtime_error(path + " has no Cryptomatte layer " + base);
      break;
    }
    const auto pairs = upper ? std::array{std::pair{".R", ".G"}, std::pair{".B", ".A"}}
                             : std::array{std::pair{".r", ".g"}, std::pair{".b", ".a"}};
    for (const auto& [id_ch, cov_ch] : pairs) {
      const auto ids = Channel(file, base + id_ch, m.width, m.height);
      const auto cov = Channel(file, base + cov_ch, m.width, m.height);
      for (size_t i = 0; i < ids.size(); ++i) {
        if (cov[i] <= 0) continue;
        uint32_t bits;
        std::memcpy(&bits, &ids[i], sizeof bits);
        if (!excluded.contains(bits)) m.agents[i] += cov[i];
      }
    }
  }
  return m;
}

nlohmann::json Compare(const std::vector<float>& a, const std::vector<float>& b) {
  double inter = 0, uni = 0, soft_min = 0, soft_max = 0, area_a = 0, area_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const bool in_a = a[i] >= 0.5f, in_b = b[i] >= 0.5f;
    inter += in_a && in_b;
    uni += in_a || in_b;
    area_a += in_a;
    area_b += in_b;
    const float ca = std::clamp(a[i], 0.0f, 1.0f), cb = std::clamp(b[i], 0.0f, 1.0f);
    soft_min += std::min(ca, cb);
    soft_max += std::max(ca, cb);
  }
  return {{"iou", uni > 0 ? inter / uni : 1.0},
          {"soft_iou", soft_max > 0 ? soft_min / soft_max : 1.0},
          {"pixels_a", area_a},
          {"pixels_b", area_b}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: exr_mask_iou A.exr A_ALPHA A_CRYPTO B.exr B_ALPHA B_CRYPTO "
                 "[--exclude NAME]...\n";
    return 2;
  }
  std::set<uint32_t> excluded;
  for (int i = 7; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) != "--exclude") return 2;
    excluded.insert(figurant::render::CryptomatteHash(argv[i + 1]));
  }
  try {
    const Masks a = Read(argv[1], argv[2], argv[3], excluded);
    const Masks b = Read(argv[4], argv[5], argv[6], excluded);
    if (a.width != b.width || a.height != b.height) {
      std::cerr << "resolutions differ\n";
      return 1;
    }
    std::cout << nlohmann::json{{"alpha", Compare(a.alpha, b.alpha)},
                                {"agents", Compare(a.agents, b.agents)}}
                     .dump()
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
