#include "render/exr_read.h"

#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>

#include <cstring>
#include <exception>
#include <system_error>

namespace figurant::render {
namespace {

std::string RankLayer(std::string_view layer, int rank) {
  return std::string(layer) + (rank < 10 ? "0" : "") + std::to_string(rank);
}

// Reads `channel` of an open file into a buffer the size of its data window.
ExrChannel ReadOpen(Imf::InputFile& in, const std::string& channel) {
  const Imath::Box2i dw = in.header().dataWindow();
  ExrChannel out;
  out.width = dw.max.x - dw.min.x + 1;
  out.height = dw.max.y - dw.min.y + 1;
  out.values.assign(static_cast<size_t>(out.width) * static_cast<size_t>(out.height), 0.0f);
  const auto stride = sizeof(float) * static_cast<size_t>(out.width);
  // OpenEXR addresses the buffer by absolute pixel coordinates: shift it to the window's origin.
  char* origin = reinterpret_cast<char*>(out.values.data()) -
                 static_cast<ptrdiff_t>(dw.min.x) * static_cast<ptrdiff_t>(sizeof(float)) -
                 static_cast<ptrdiff_t>(dw.min.y) * static_cast<ptrdiff_t>(stride);
  Imf::FrameBuffer fb;
  fb.insert(channel, Imf::Slice(Imf::FLOAT, origin, sizeof(float), stride));
  in.setFrameBuffer(fb);
  in.readPixels(dw.min.y, dw.max.y);
  return out;
}

Status Missing(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return NotFound(file.string() + ": no such file");
  return Status::Ok();
}

}  // namespace

Result<ExrChannel> ReadExrChannel(const std::filesystem::path& file, const std::string& channel) {
  FIGURANT_RETURN_IF_ERROR(Missing(file));
  try {
    Imf::InputFile in(file.c_str());
    if (in.header().channels().findChannel(channel) == nullptr) {
      return DataLoss(file.string() + ": no channel '" + channel + "'");
    }
    return ReadOpen(in, channel);
  } catch (const std::exception& e) {
    return DataLoss(file.string() + ": not a readable OpenEXR file: " + e.what());
  }
}

Result<std::map<uint32_t, double>> ReadCryptomatteCoverage(const std::filesystem::path& file,
                                                           std::string_view layer) {
  FIGURANT_RETURN_IF_ERROR(Missing(file));
  try {
    Imf::InputFile in(file.c_str());
    std::map<uint32_t, double> coverage;
    int rank_layer = 0;
    for (;; ++rank_layer) {
      const std::string name = RankLayer(layer, rank_layer);
      if (in.header().channels().findChannel(name + ".R") == nullptr) break;
      // Each RGBA rank layer holds two (id, coverage) pairs: R, G and B, A.
      for (const auto& [id_channel, coverage_channel] : {std::pair{".R", ".G"}, {".B", ".A"}}) {
        const ExrChannel ids = ReadOpen(in, name + id_channel);
        const ExrChannel cov = ReadOpen(in, name + coverage_channel);
        for (size_t i = 0; i < ids.values.size(); ++i) {
          if (cov.values[i] <= 0) continue;
          uint32_t bits = 0;
          std::memcpy(&bits, &ids.values[i], sizeof bits);
          coverage[bits] += cov.values[i];
        }
      }
    }
    if (rank_layer == 0) {
      return DataLoss(file.string() + ": no Cryptomatte layer '" + std::string(layer) + "'");
    }
    return coverage;
  } catch (const std::exception& e) {
    return DataLoss(file.string() + ": not a readable OpenEXR file: " + e.what());
  }
}

}  // namespace figurant::render
