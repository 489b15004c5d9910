#include "render/thumbnail.h"

#include <algorithm>
#include <memory>

#include "render/output.h"
#include "render/renderer.h"

namespace figurant::render {
namespace {

constexpr int kMinSide = 16, kMaxSide = 1024;
constexpr float kMargin = 1.15f;         // the double fills 1/kMargin of the frame's tighter side
constexpr float kAboveFraction = 0.15f;  // camera height above the double's middle, × its height

// From the front (+Z, where a heading of 0 faces) and slightly above, at the distance where the
// double's bounds fit the frame with a margin.
geom::Camera FrameDouble(const geom::Bounds3f& b, int width, int height) {
  geom::Camera camera;
  camera.width = width;
  camera.height = height;
  const geom::Vec3f size = b.size();
  const geom::Vec3f centre = b.center();
  const double fit_height = 0.5 * size.y * kMargin / camera.HalfHeightAtUnit();
  const double fit_width = 0.5 * size.x * kMargin / camera.HalfWidthAtUnit();
  const auto distance = static_cast<float>(std::max(fit_height, fit_width)) + 0.5f * size.z;
  camera.look_at = centre;
  camera.position = {centre.x, centre.y + kAboveFraction * size.y, b.hi.z + distance};
  return camera;
}

}  // namespace

Result<std::string> RenderThumbnailPng(const geom::DoubleAsset& asset, int width, int height) {
  if (width < kMinSide || width > kMaxSide || height < kMinSide || height > kMaxSide) {
    return InvalidArgument("thumbnail size " + std::to_string(width) + "x" +
                           std::to_string(height) + ": expected 16..1024 pixels a side");
  }
  if (asset.mesh.indices.empty()) return InvalidArgument("thumbnail: the double has no triangles");
  RenderScene scene;
  scene.camera = FrameDouble(asset.mesh.ComputeBounds(), width, height);
  scene.lighting.sun_direction = geom::Normalize({0.4f, 0.8f, 0.6f});  // over the camera's side
  scene.has_ground = false;
  scene.prototypes.push_back({"double", "performer", std::make_shared<geom::DoubleAsset>(asset)});
  AgentInstance agent;
  agent.lod = geom::LodChoice::kFull;
  agent.name = "double";
  scene.agents.push_back(agent);
  RenderOptions options;
  options.spp = 8;
  options.max_bounces = 1;
  FIGURANT_ASSIGN_OR_RETURN(std::unique_ptr<Renderer> renderer,
                            Renderer::Create(std::move(scene), options));
  FIGURANT_ASSIGN_OR_RETURN(Frame frame, renderer->Render(0));
  return EncodePng(frame);
}

}  // namespace figurant::render
