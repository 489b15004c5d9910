// The light of a shot as a scene file states it (docs/scene-spec.md, "lighting"): one sun, a
// directional light, and a sky of constant radiance over the upper hemisphere. Scene vocabulary
// shared by the scene spec (crowd, which parses it) and the renderer (render, which shades with
// it), as geom::Camera is.
#pragma once

#include "geom/vec.h"

namespace figurant::geom {

struct Lighting {
  Vec3f sun_direction{0.3f, 0.8f, -0.5f};  // towards the sun; unit length once parsed
  double sun_irradiance = 3.0;             // [Units: W/m² at normal incidence] [Limits: >= 0]
  Vec3f sun_color{1, 0.95f, 0.9f};         // linear RGB
  Vec3f sky_radiance{0.25f, 0.3f, 0.4f};   // [Units: W/(m²·sr)] linear RGB, constant sky
};

}  // namespace figurant::geom
