// Burley, "Practical Hash-based Owen Scrambling", Journal of Computer Graphics Techniques 9(4),
// 2020, listings 1-4: Sobol direction numbers for the first two dimensions, the Laine-Karras style
// hash permutation with Burley's constants, nested uniform (Owen) scrambling by bit reversal, and
// the shuffled scrambled 2D Sobol point.
#include "render/internal/sampler.h"

#include "core/random.h"

namespace figurant::render::internal {
namespace {

constexpr double kTwoToMinus32 = 1.0 / 4294967296.0;

// Bytes reversed by one instruction, then the bits within each byte.
inline uint32_t ReverseBits(uint32_t x) {
  x = __builtin_bswap32(x);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  return ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
}

inline uint32_t LaineKarrasPermutation(uint32_t x, uint32_t seed) {
  x += seed;
  x ^= x * 0x6c50b47cu;
  x ^= x * 0xb82f1e52u;
  x ^= x * 0xc7afe638u;
  x ^= x * 0x8d22f6e6u;
  return x;
}

// A 32-bit integer hash ("lowbias32", Wellons, 2018; bias 0.17 on the avalanche test).
uint32_t Hash32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

}  // namespace

uint32_t Sobol0(uint32_t index) { return ReverseBits(index); }

namespace {

// Dimension 1 bit by bit. Direction numbers of x + 1: v_0 = 1 << 31, v_k = v_{k-1} ^ (v_{k-1} >>
// 1).
constexpr uint32_t Sobol1Bitwise(uint32_t index) {
  uint32_t x = 0, v = 1u << 31;
  for (; index != 0; index >>= 1, v ^= v >> 1) {
    if ((index & 1u) != 0) x ^= v;
  }
  return x;
}

// Sobol points are linear over GF(2) in the index bits, so dimension 1 of an index is the XOR of
// the points of its four bytes: four lookups instead of up to 32 data-dependent branches (the
// shuffled indices the sampler asks for use all 32 bits).
struct Sobol1Tables {
  uint32_t byte[4][256];
};
constexpr Sobol1Tables MakeSobol1Tables() {
  Sobol1Tables t{};
  for (uint32_t k = 0; k < 4; ++k) {
    for (uint32_t b = 0; b < 256; ++b) t.byte[k][b] = Sobol1Bitwise(b << (8 * k));
  }
  return t;
}
constexpr Sobol1Tables kSobol1 = MakeSobol1Tables();
static_assert(kSobol1.byte[0][1] == 1u << 31 && kSobol1.byte[0][3] == 1u << 30);

}  // namespace

uint32_t Sobol1(uint32_t index) {
  return kSobol1.byte[0][index & 0xffu] ^ kSobol1.byte[1][(index >> 8) & 0xffu] ^
         kSobol1.byte[2][(index >> 16) & 0xffu] ^ kSobol1.byte[3][index >> 24];
}

uint32_t NestedUniformScramble(uint32_t x, uint32_t seed) {
  return ReverseBits(LaineKarrasPermutation(ReverseBits(x), seed));
}

PairKeys KeysFor(uint64_t pixel_seed, uint32_t pair) {
  // Three independent keys per (pixel, pair): the shuffle of the sample order and the scrambles of
  // x and y.
  const uint64_t h = Rng::Mix(pixel_seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t{pair} + 1)));
  PairKeys k;
  k.shuffle = static_cast<uint32_t>(h);
  k.x = static_cast<uint32_t>(h >> 32);
  k.y = Hash32(k.x ^ k.shuffle);
  return k;
}

Point2 SampleOf(const PairKeys& keys, uint32_t sample, bool shuffle) {
  // Sobol0(i) is the bit reversal of i, so its scramble simplifies to
  // ReverseBits(LaineKarrasPermutation(i)).
  const uint32_t index = shuffle ? NestedUniformScramble(sample, keys.shuffle) : sample;
  const uint32_t x = ReverseBits(LaineKarrasPermutation(index, keys.x));
  const uint32_t y = NestedUniformScramble(Sobol1(index), keys.y);
  return {x * kTwoToMinus32, y * kTwoToMinus32};
}

Point2 PixelSampler::Get2D(uint32_t pair) const {
  return SampleOf(KeysFor(pixel_seed_, pair), sample_, pair != 0);
}

}  // namespace figurant::render::internal
