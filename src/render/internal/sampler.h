// Sample points for the path tracer: Owen-scrambled, shuffled 2D Sobol points (Burley, "Practical
// Hash-based Owen Scrambling", JCGT 9(4), 2020; Sobol 1967; Laine & Karras' hash permutation as
// improved by Burley). Each pixel gets its own scramble and each dimension pair its own shuffle of
// the sample order ("padding"), so the spp samples of a pixel are stratified in every pair — pixel
// position, then the direction leaving every path vertex — and pairs do not correlate. Pure integer
// arithmetic on (seed, pixel, sample, dimension): the same point for any thread count or machine.
#pragma once

#include <cstdint>

namespace figurant::render::internal {

struct Point2 {
  double x = 0, y = 0;  // each in [0, 1)
};

// The first two Sobol dimensions of `index` (dimension 0 is the van der Corput sequence).
uint32_t Sobol0(uint32_t index);
uint32_t Sobol1(uint32_t index);
// Owen scrambling of the bits of x (most significant first) keyed by seed.
uint32_t NestedUniformScramble(uint32_t x, uint32_t seed);

// The scramble keys of one dimension pair of one pixel (a hash of the pixel seed and the pair).
struct PairKeys {
  uint32_t shuffle = 0, x = 0, y = 0;
};
PairKeys KeysFor(uint64_t pixel_seed, uint32_t pair);
// Sample `sample` of the pair keyed by `keys`; pair 0 keeps the sample order (no shuffle).
Point2 SampleOf(const PairKeys& keys, uint32_t sample, bool shuffle);

class PixelSampler {
 public:
  // `pixel_seed` identifies (render seed, frame, pixel); `sample` is 0..spp-1.
  PixelSampler(uint64_t pixel_seed, uint32_t sample) : pixel_seed_(pixel_seed), sample_(sample) {}
  // The sample's point in dimension pair `pair` (0: pixel jitter; then one pair per path vertex).
  // Equal to SampleOf(KeysFor(pixel_seed, pair), sample, pair != 0).
  Point2 Get2D(uint32_t pair) const;

 private:
  uint64_t pixel_seed_;
  uint32_t sample_;
};

}  // namespace figurant::render::internal
