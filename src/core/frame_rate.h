// Frame rates a production may declare: the standard rates of film, television and video, kept as
// exact rationals so that 23.976 (24000/1001) never drifts when screen time is added up.
//
// Standard rates (SMPTE ST 12-1 family; the NTSC rates are N×1000/1001):
//   23.976 (24000/1001), 24, 25, 29.97 (30000/1001), 30, 48, 50, 59.94 (60000/1001), 60.
// A scene states its fps as a decimal number; it matches a rate when it is within
// kFrameRateTolerance of it. The closest two standard rates are 0.024 apart, so no number matches
// two of them. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace figurant {

// How far a decimal fps may be from a rate and still name it. [Units: frames per second]
inline constexpr double kFrameRateTolerance = 0.001;

struct FrameRate {
  int64_t frames = 24;  // [Limits: > 0]
  int64_t seconds = 1;  // the frames are shown in this many seconds [Limits: > 0]

  double PerSecond() const { return static_cast<double>(frames) / static_cast<double>(seconds); }
  // The exact, canonical text stored and signed: "24/1", "24000/1001".
  std::string Text() const;
  // As people write it: "24", "23.976".
  std::string Name() const;
  bool operator==(const FrameRate&) const = default;
};

std::span<const FrameRate> StandardFrameRates();
// "23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60", for messages.
std::string StandardFrameRateNames();

// A standard rate from its exact text ("24000/1001", "24/1") or a decimal within
// kFrameRateTolerance of it ("23.976", "24"). InvalidArgument naming `text` and listing the
// standard rates for anything else (1000, 12.5, "24/0", "fast").
Result<FrameRate> ParseFrameRate(std::string_view text);

// True when the decimal `fps` is within kFrameRateTolerance of `rate`.
bool FrameRateMatches(const FrameRate& rate, double fps);

}  // namespace figurant
