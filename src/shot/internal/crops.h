// Keeping each performer's appearance crop as frames are metered (shot.h, MeteringSink; docs/
// portal.md, "Appearance crops"): per frame, for each real performer on screen, their agent with
// the most coverage; when it shows them larger than the crop the bank keeps for the shot, the
// frame is cut around that agent with the performer's matte (render/appearance_crop.h) and offered
// to the bank. Synthetic performers have no one to show and get none. Private to the shot module.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "core/status.h"
#include "render/renderer.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

class CropKeeper {
 public:
  CropKeeper(bank::Bank& bank, std::string production, std::string shot, std::string render_id)
      : bank_(bank),
        production_(std::move(production)),
        shot_(std::move(shot)),
        render_id_(std::move(render_id)) {}

  // Looks at one rendered frame; `agents` are the shot's agents by render index. The bank's and
  // the crop's errors as they come.
  Status Add(const render::Frame& frame, const std::vector<CastAgent>& agents);

 private:
  // The pixels the kept crop of `performer` shows, read from the bank once.
  Result<double> Kept(const std::string& performer);

  bank::Bank& bank_;
  const std::string production_, shot_, render_id_;
  std::map<std::string, double> kept_;  // performer → pixels of the crop the bank keeps
};

}  // namespace figurant::shot::internal
