#include "core/frame_rate.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace figurant {
namespace {

// NTSC rates: N×1000 frames in 1001 seconds.
constexpr int64_t kNtscSeconds = 1001;

constexpr std::array<FrameRate, 9> kStandard = {{{24000, kNtscSeconds},
                                                 {24, 1},
                                                 {25, 1},
                                                 {30000, kNtscSeconds},
                                                 {30, 1},
                                                 {48, 1},
                                                 {50, 1},
                                                 {60000, kNtscSeconds},
                                                 {60, 1}}};

// Exact rationals are compared by cross-multiplying; beyond this the products could overflow.
constexpr int64_t kMaxTerm = 1'000'000'000;

template <typename T>
bool ParseWhole(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end;
}

Status NotStandard(std::string_view text) {
  return InvalidArgument("frame rate '" + std::string(text) + "' is not a standard rate (" +
                         StandardFrameRateNames() + "; or exactly 24000/1001, 30000/1001, " +
                         "60000/1001)");
}

}  // namespace

std::string FrameRate::Text() const {
  return std::to_string(frames) + "/" + std::to_string(seconds);
}

std::string FrameRate::Name() const {
  if (seconds == 1) return std::to_string(frames);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", PerSecond());
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  return s;
}

std::span<const FrameRate> StandardFrameRates() { return kStandard; }

std::string StandardFrameRateNames() {
  std::string out;
  for (const FrameRate& r : kStandard) out += (out.empty() ? "" : ", ") + r.Name();
  return out;
}

Result<FrameRate> ParseFrameRate(std::string_view text) {
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    int64_t frames = 0, seconds = 0;
    if (!ParseWhole(text.substr(0, slash), frames) ||
        !ParseWhole(text.substr(slash + 1), seconds) || frames <= 0 || seconds <= 0 ||
        frames > kMaxTerm || seconds > kMaxTerm) {
      return NotStandard(text);
    }
    for (const FrameRate& r : kStandard) {
      if (frames * r.seconds == r.frames * seconds) return r;
    }
    return NotStandard(text);
  }
  double fps = 0;
  if (!ParseWhole(text, fps) || !std::isfinite(fps)) return NotStandard(text);
  for (const FrameRate& r : kStandard) {
    if (FrameRateMatches(r, fps)) return r;
  }
  return NotStandard(text);
}

bool FrameRateMatches(const FrameRate& rate, double fps) {
  return std::fabs(fps - rate.PerSecond()) <= kFrameRateTolerance;
}

}  // namespace figurant
