// Reading back the plates WriteExr writes (render/output.h): one float channel, and a Cryptomatte
// layer's coverage per id, summed over every rank layer the file holds. For tests, audits that
// recheck metering from the plates alone, and crops of one agent's matte.
//
// The file is untrusted: every OpenEXR exception stops here and becomes a Status naming the file
// (NotFound when it does not exist, DataLoss when it is not a readable EXR or lacks the channel).
// Pure functions of the file; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace figurant::render {

struct ExrChannel {
  int width = 0, height = 0;  // of the data window [Units: pixels]
  std::vector<float> values;  // row-major, top row first; width × height values
};

// One FLOAT or HALF channel (e.g. "A", "Z", "CryptoDouble00.R") over the file's data window.
Result<ExrChannel> ReadExrChannel(const std::filesystem::path& file, const std::string& channel);

// For a Cryptomatte layer (e.g. kDoubleLayer), the coverage of each id (its 32 hash bits, as
// CryptomatteHash gives them) summed over all pixels and ranks: pixels where the id shows, each
// counted by its coverage. [Units: pixels] Reads rank layers <layer>00, <layer>01, ... until one
// is absent; DataLoss when there is none.
Result<std::map<uint32_t, double>> ReadCryptomatteCoverage(const std::filesystem::path& file,
                                                           std::string_view layer);

}  // namespace figurant::render
