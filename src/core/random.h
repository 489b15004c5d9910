// A small deterministic random number generator for everything that must be reproducible from a
// seed across machines and compilers (layout, casting, variation, sampling). std::mt19937 is
// portable but the std:: distributions are not, so draws are made here from raw 64-bit outputs.
// Algorithm: SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014). Not cryptographic. Not thread-safe: one Rng per thread or per task.
#pragma once

#include <cstdint>

namespace figurant {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // An independent stream for a sub-task (e.g. per agent, per tile), stable for (seed, key).
  static Rng Derive(uint64_t seed, uint64_t key) { return Rng(Mix(seed ^ Mix(key + 0x9e37))); }

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix(state_);
  }
  // Uniform in [0, 1) with 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); n > 0. Lemire's multiply-shift with rejection (unbiased).
  uint64_t Below(uint64_t n) {
    while (true) {
      const __uint128_t m = static_cast<__uint128_t>(Next()) * n;
      const auto low = static_cast<uint64_t>(m);
      if (low >= n || low >= (0 - n) % n) return static_cast<uint64_t>(m >> 64);
    }
  }

  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace figurant
