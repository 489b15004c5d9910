// Tests' PNG reader (libpng's simplified API): the image as 8-bit straight RGBA, or the reason
// libpng refused it.
#pragma once

#include <png.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace figurant::render::internal {

struct DecodedPng {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width*height*4, row-major from the top
  std::string error;          // empty when decoded
};

inline DecodedPng DecodePngForTest(std::string_view bytes) {
  DecodedPng out;
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
    out.error = image.message;
    return out;
  }
  image.format = PNG_FORMAT_RGBA;
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr)) {
    out.error = image.message;
    return out;
  }
  out.width = image.width;
  out.height = image.height;
  return out;
}

}  // namespace figurant::render::internal
