#include "nav/navmesh.h"

#include <DetourAlloc.h>
#include <DetourNavMesh.h>
#include <DetourNavMeshBuilder.h>
#include <DetourNavMeshQuery.h>
#include <Recast.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "core/crypto.h"
#include "core/file.h"

namespace figurant::nav {
namespace {

constexpr char kMagic[8] = {'F', 'G', 'N', 'A', 'V', '1', '\0', '\0'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kKeyDigits = 64;
constexpr size_t kHeaderBytes = sizeof kMagic + 4 + kKeyDigits + 4 * 4 + 8 + kSha256Bytes;
constexpr uint64_t kMaxCells = uint64_t{1} << 26;
constexpr int kMaxVertsPerPoly = 6;
constexpr int kMaxQueryNodes = 8192;
constexpr int kMaxPathPolys = 4096;
constexpr uint16_t kWalkFlag = 1;  // every polygon: the query filter includes it

// Recast's and Detour's objects, freed by their own functions.
struct RecastFree {
  void operator()(rcHeightfield* p) const { rcFreeHeightField(p); }
  void operator()(rcCompactHeightfield* p) const { rcFreeCompactHeightfield(p); }
  void operator()(rcContourSet* p) const { rcFreeContourSet(p); }
  void operator()(rcPolyMesh* p) const { rcFreePolyMesh(p); }
  void operator()(rcPolyMeshDetail* p) const { rcFreePolyMeshDetail(p); }
  void operator()(dtNavMesh* p) const { dtFreeNavMesh(p); }
  void operator()(dtNavMeshQuery* p) const { dtFreeNavMeshQuery(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, RecastFree>;

bool Within(float v, float lo, float hi) { return std::isfinite(v) && v >= lo && v <= hi; }

Status CheckShape(const AgentShape& s) {
  if (!Within(s.radius, 0.05f, 2) || !Within(s.height, 0.5f, 3) || !Within(s.max_climb, 0, 1) ||
      !Within(s.max_slope_deg, 0, 85)) {
    return InvalidArgument(
        "agent shape: expected radius 0.05..2 m, height 0.5..3 m, max_climb 0..1 m and "
        "max_slope_deg 0..85");
  }
  return Status::Ok();
}

Status CheckInput(const NavInput& in, const BuildOptions& o) {
  if (!Within(o.cell_size, 0.02f, 1) || !Within(o.cell_height, 0.01f, 1)) {
    return InvalidArgument("navigation mesh: expected cell_size 0.02..1 m, cell_height 0.01..1 m");
  }
  if (in.indices.empty() || in.indices.size() % 3 != 0) {
    return InvalidArgument("navigation mesh: no triangles to build from");
  }
  for (const uint32_t i : in.indices) {
    if (i >= in.positions.size()) {
      return InvalidArgument("navigation mesh: index " + std::to_string(i) + " is past the " +
                             std::to_string(in.positions.size()) + " positions");
    }
  }
  for (const geom::Vec3f& p : in.positions) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
      return InvalidArgument("navigation mesh: a position is not a finite number");
    }
  }
  return Status::Ok();
}

rcConfig ConfigFor(const AgentShape& s, const BuildOptions& o) {
  rcConfig c{};
  c.cs = o.cell_size;
  c.ch = o.cell_height;
  c.walkableSlopeAngle = s.max_slope_deg;
  c.walkableHeight = static_cast<int>(std::ceil(s.height / c.ch));
  c.walkableClimb = static_cast<int>(std::floor(s.max_climb / c.ch));
  c.walkableRadius = static_cast<int>(std::ceil(s.radius / c.cs));
  c.maxEdgeLen = static_cast<int>(12.0f / c.cs);
  c.maxSimplificationError = 1.3f;
  c.minRegionArea = 8 * 8;
  c.mergeRegionArea = 20 * 20;
  c.maxVertsPerPoly = kMaxVertsPerPoly;
  c.detailSampleDist = 6 * c.cs;
  c.detailSampleMaxError = c.ch;
  return c;
}

// Triangles binned by their horizontal bounds in a uniform grid, for vertical rays.
class VerticalRays {
 public:
  VerticalRays(const NavInput& in, const float* bmin, const float* bmax) : in_(in) {
    x0_ = bmin[0];
    z0_ = bmin[2];
    nx_ = std::max(1, static_cast<int>(std::ceil((bmax[0] - x0_) / kBin)));
    nz_ = std::max(1, static_cast<int>(std::ceil((bmax[2] - z0_) / kBin)));
    bins_.resize(static_cast<size_t>(nx_) * static_cast<size_t>(nz_));
    for (size_t t = 0; t < in.indices.size() / 3; ++t) {
      float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
      for (int k = 0; k < 3; ++k) {
        const geom::Vec3f& v = in.positions[in.indices[t * 3 + static_cast<size_t>(k)]];
        lo[0] = std::min(lo[0], v.x), hi[0] = std::max(hi[0], v.x);
        lo[1] = std::min(lo[1], v.z), hi[1] = std::max(hi[1], v.z);
      }
      for (int bz = Bin(lo[1], z0_, nz_); bz <= Bin(hi[1], z0_, nz_); ++bz) {
        for (int bx = Bin(lo[0], x0_, nx_); bx <= Bin(hi[0], x0_, nx_); ++bx) {
          bins_[static_cast<size_t>(bz) * static_cast<size_t>(nx_) + static_cast<size_t>(bx)]
              .push_back(static_cast<uint32_t>(t));
        }
      }
    }
  }

  // The number of distinct surfaces straight above (x, y, z), more than kAbove higher.
  int SurfacesAbove(float x, float y, float z) const {
    std::vector<float> hits;
    const size_t bin = static_cast<size_t>(Bin(z, z0_, nz_)) * static_cast<size_t>(nx_) +
                       static_cast<size_t>(Bin(x, x0_, nx_));
    for (const uint32_t t : bins_[bin]) {
      const geom::Vec3f& a = in_.positions[in_.indices[t * 3]];
      const geom::Vec3f& b = in_.positions[in_.indices[t * 3 + 1]];
      const geom::Vec3f& c = in_.positions[in_.indices[t * 3 + 2]];
      // Barycentric coordinates of (x, z) in the triangle's horizontal projection.
      const float d = (b.z - c.z) * (a.x - c.x) + (c.x - b.x) * (a.z - c.z);
      if (std::fabs(d) < 1e-12f) continue;  // vertical: never crossed by a vertical ray
      const float u = ((b.z - c.z) * (x - c.x) + (c.x - b.x) * (z - c.z)) / d;
      const float v = ((c.z - a.z) * (x - c.x) + (a.x - c.x) * (z - c.z)) / d;
      if (u < 0 || v < 0 || u + v > 1) continue;
      const float h = u * a.y + v * b.y + (1 - u - v) * c.y;
      if (h > y + kAbove) hits.push_back(h);
    }
    std::sort(hits.begin(), hits.end());
    int distinct = 0;
    for (size_t i = 0; i < hits.size(); ++i) {
      if (i == 0 || hits[i] - hits[i - 1] > kSameSurface) ++distinct;
    }
    return distinct;
  }

 private:
  static constexpr float kBin = 1.0f;           // [Units: metres]
  static constexpr float kAbove = 0.1f;         // a floor's own triangles are not above it [m]
  static constexpr float kSameSurface = 1e-3f;  // hits closer than this: one surface (an edge)
  static int Bin(float v, float origin, int n) {
    return std::clamp(static_cast<int>(std::floor((v - origin) / kBin)), 0, n - 1);
  }
  const NavInput& in_;
  float x0_ = 0, z0_ = 0;
  int nx_ = 1, nz_ = 1;
  std::vector<std::vector<uint32_t>> bins_;
};

// Recast voxelises surfaces, not volumes: the floor inside a closed mesh taller than the agent (a
// kiosk, a hut) would be a floor to it, reachable by nobody but a snapped point. The set's meshes
// are read as closed surfaces, as crowd/set_surface.h reads them: a walkable span with an odd
// number of distinct surfaces straight above it is inside one, and is no floor.
void UnmarkInsideSolids(const NavInput& in, rcCompactHeightfield& chf) {
  const VerticalRays rays(in, chf.bmin, chf.bmax);
  for (int z = 0; z < chf.height; ++z) {
    for (int x = 0; x < chf.width; ++x) {
      const rcCompactCell& cell = chf.cells[x + z * chf.width];
      const float wx = chf.bmin[0] + (static_cast<float>(x) + 0.5f) * chf.cs;
      const float wz = chf.bmin[2] + (static_cast<float>(z) + 0.5f) * chf.cs;
      const unsigned end = cell.index + static_cast<unsigned>(cell.count);
      for (unsigned i = cell.index; i < end; ++i) {
        if (chf.areas[i] == RC_NULL_AREA) continue;
        const float wy = chf.bmin[1] + static_cast<float>(chf.spans[i].y) * chf.ch;
        if (rays.SurfacesAbove(wx, wy, wz) % 2 == 1) chf.areas[i] = RC_NULL_AREA;
      }
    }
  }
}

// Recast's pipeline from triangles to polygon and detail meshes.
struct Polygons {
  Owned<rcPolyMesh> mesh;
  Owned<rcPolyMeshDetail> detail;
};

Result<Polygons> Voxelise(const NavInput& in, rcConfig& c) {
  const float* verts = &in.positions[0].x;
  const int nv = static_cast<int>(in.positions.size());
  const int* tris = reinterpret_cast<const int*>(in.indices.data());
  const int nt = static_cast<int>(in.indices.size() / 3);
  rcCalcBounds(verts, nv, c.bmin, c.bmax);
  rcCalcGridSize(c.bmin, c.bmax, c.cs, &c.width, &c.height);
  if (static_cast<uint64_t>(c.width) * static_cast<uint64_t>(c.height) > kMaxCells) {
    return InvalidArgument("navigation mesh: " + std::to_string(c.width) + " x " +
                           std::to_string(c.height) +
                           " cells, over the limit of 2^26: use a larger cell_size");
  }
  rcContext ctx(false);
  Owned<rcHeightfield> solid(rcAllocHeightfield());
  if (!solid || !rcCreateHeightfield(&ctx, *solid, c.width, c.height, c.bmin, c.bmax, c.cs, c.ch))
    return Internal("Recast cannot allocate the height field");
  std::vector<unsigned char> areas(static_cast<size_t>(nt), RC_NULL_AREA);
  rcMarkWalkableTriangles(&ctx, c.walkableSlopeAngle, verts, nv, tris, nt, areas.data());
  if (!rcRasterizeTriangles(&ctx, verts, nv, tris, areas.data(), nt, *solid, c.walkableClimb))
    return Internal("Recast cannot rasterise the set");
  rcFilterLowHangingWalkableObstacles(&ctx, c.walkableClimb, *solid);
  rcFilterLedgeSpans(&ctx, c.walkableHeight, c.walkableClimb, *solid);
  rcFilterWalkableLowHeightSpans(&ctx, c.walkableHeight, *solid);

  Owned<rcCompactHeightfield> open(rcAllocCompactHeightfield());
  if (!open || !rcBuildCompactHeightfield(&ctx, c.walkableHeight, c.walkableClimb, *solid, *open))
    return Internal("Recast cannot build the compact height field");
  solid.reset();
  UnmarkInsideSolids(in, *open);
  if (!rcErodeWalkableArea(&ctx, c.walkableRadius, *open) || !rcBuildDistanceField(&ctx, *open) ||
      !rcBuildRegions(&ctx, *open, 0, c.minRegionArea, c.mergeRegionArea)) {
    return Internal("Recast cannot build the walkable regions");
  }
  Owned<rcContourSet> contours(rcAllocContourSet());
  if (!contours || !rcBuildContours(&ctx, *open, c.maxSimplificationError, c.maxEdgeLen, *contours))
    return Internal("Recast cannot trace the regions' contours");
  Polygons out{Owned<rcPolyMesh>(rcAllocPolyMesh()),
               Owned<rcPolyMeshDetail>(rcAllocPolyMeshDetail())};
  if (!out.mesh || !rcBuildPolyMesh(&ctx, *contours, c.maxVertsPerPoly, *out.mesh))
    return Internal("Recast cannot build the polygon mesh");
  if (!out.detail || !rcBuildPolyMeshDetail(&ctx, *out.mesh, *open, c.detailSampleDist,
                                            c.detailSampleMaxError, *out.detail)) {
    return Internal("Recast cannot build the detail mesh");
  }
  return out;
}

// Detour's navigation mesh data for Recast's polygons: the bytes the cache file holds.
Result<std::string> DetourData(Polygons& p, const rcConfig& c, const AgentShape& s) {
  rcPolyMesh& m = *p.mesh;
  for (int i = 0; i < m.npolys; ++i) {
    m.flags[i] = kWalkFlag;
    m.areas[i] = 0;
  }
  dtNavMeshCreateParams params{};
  params.verts = m.verts;
  params.vertCount = m.nverts;
  params.polys = m.polys;
  params.polyAreas = m.areas;
  params.polyFlags = m.flags;
  params.polyCount = m.npolys;
  params.nvp = m.nvp;
  params.detailMeshes = p.detail->meshes;
  params.detailVerts = p.detail->verts;
  params.detailVertsCount = p.detail->nverts;
  params.detailTris = p.detail->tris;
  params.detailTriCount = p.detail->ntris;
  params.walkableHeight = s.height;
  params.walkableRadius = s.radius;
  params.walkableClimb = s.max_climb;
  std::copy(m.bmin, m.bmin + 3, params.bmin);
  std::copy(m.bmax, m.bmax + 3, params.bmax);
  params.cs = c.cs;
  params.ch = c.ch;
  params.buildBvTree = true;
  unsigned char* data = nullptr;
  int size = 0;
  if (!dtCreateNavMeshData(&params, &data, &size))
    return Internal("Detour cannot make the navigation mesh data");
  std::string bytes(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
  dtFree(data);
  return bytes;
}

template <typename T>
void Put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T Get(std::string_view bytes, size_t& at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

}  // namespace

struct NavMesh::Impl {
  AgentShape shape;
  std::string key;
  std::string data;  // Detour's data as built; Detour works on its own copy
  Owned<dtNavMesh> mesh;
  Owned<dtNavMeshQuery> query;
  dtQueryFilter filter;
  int polygons = 0;

  // Hands Detour a copy of `data`. DataLoss naming `shown` when Detour refuses it.
  Status Open(const std::string& shown) {
    mesh.reset(dtAllocNavMesh());
    query.reset(dtAllocNavMeshQuery());
    if (!mesh || !query) return Internal("Detour cannot allocate a navigation mesh");
    auto* copy = static_cast<unsigned char*>(dtAlloc(data.size(), DT_ALLOC_PERM));
    if (copy == nullptr) return Internal("Detour cannot allocate a navigation mesh");
    std::memcpy(copy, data.data(), data.size());
    if (dtStatusFailed(mesh->init(copy, static_cast<int>(data.size()), DT_TILE_FREE_DATA))) {
      dtFree(copy);
      return DataLoss(shown + ": Detour refuses the navigation mesh data");
    }
    if (dtStatusFailed(query->init(mesh.get(), kMaxQueryNodes)))
      return Internal("Detour cannot make a navigation query");
    filter.setIncludeFlags(kWalkFlag);
    filter.setExcludeFlags(0);
    const dtNavMesh& m = *mesh;
    const dtMeshTile* tile = m.getTile(0);
    polygons = tile != nullptr && tile->header != nullptr ? tile->header->polyCount : 0;
    return Status::Ok();
  }
};

void NavInput::AddGround(float x0, float z0, float x1, float z1, float y) {
  const auto base = static_cast<uint32_t>(positions.size());
  positions.insert(positions.end(), {{x0, y, z0}, {x1, y, z0}, {x1, y, z1}, {x0, y, z1}});
  // Counter-clockwise seen from above (+Y): Recast takes the normal from the winding.
  for (uint32_t i : {0u, 2u, 1u, 0u, 3u, 2u}) indices.push_back(base + i);
}

void NavInput::AddMesh(const geom::Mesh& mesh) {
  const auto base = static_cast<uint32_t>(positions.size());
  positions.insert(positions.end(), mesh.positions.begin(), mesh.positions.end());
  for (const uint32_t i : mesh.indices) indices.push_back(base + i);
}

std::string NavMeshKey(const NavInput& input, const AgentShape& shape,
                       const BuildOptions& options) {
  std::string bytes = "figurant-navmesh-v" + std::to_string(kFormatVersion);
  for (float v : {shape.radius, shape.height, shape.max_climb, shape.max_slope_deg,
                  options.cell_size, options.cell_height}) {
    Put(bytes, v);
  }
  Put(bytes, static_cast<uint64_t>(input.positions.size()));
  bytes.append(reinterpret_cast<const char*>(input.positions.data()),
               input.positions.size() * sizeof(geom::Vec3f));
  Put(bytes, static_cast<uint64_t>(input.indices.size()));
  bytes.append(reinterpret_cast<const char*>(input.indices.data()),
               input.indices.size() * sizeof(uint32_t));
  return Sha256Hex(bytes);
}

NavMesh::NavMesh(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NavMesh::~NavMesh() = default;

Result<std::unique_ptr<NavMesh>> NavMesh::Build(const NavInput& input, const AgentShape& shape,
                                                const BuildOptions& options) {
  FIGURANT_RETURN_IF_ERROR(CheckShape(shape));
  FIGURANT_RETURN_IF_ERROR(CheckInput(input, options));
  rcConfig config = ConfigFor(shape, options);
  FIGURANT_ASSIGN_OR_RETURN(Polygons polygons, Voxelise(input, config));
  if (polygons.mesh->npolys == 0) {
    return FailedPrecondition(
        "navigation mesh: nothing in the set is walkable for an agent of radius " +
        std::to_string(shape.radius) + " m and height " + std::to_string(shape.height) + " m");
  }
  auto impl = std::make_unique<Impl>();
  impl->shape = shape;
  impl->key = NavMeshKey(input, shape, options);
  FIGURANT_ASSIGN_OR_RETURN(impl->data, DetourData(polygons, config, shape));
  FIGURANT_RETURN_IF_ERROR(impl->Open("the navigation mesh just built"));
  return std::unique_ptr<NavMesh>(new NavMesh(std::move(impl)));
}

std::string NavMesh::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  Put(out, kFormatVersion);
  out += impl_->key;
  const AgentShape& s = impl_->shape;
  for (float v : {s.radius, s.height, s.max_climb, s.max_slope_deg}) Put(out, v);
  Put(out, static_cast<uint64_t>(impl_->data.size()));
  const Sha256Digest digest = Sha256(impl_->data);
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return out + impl_->data;
}

Result<std::unique_ptr<NavMesh>> NavMesh::Load(std::string_view bytes, const std::string& shown) {
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return DataLoss(shown + ": not a Figurant navigation mesh (expected magic FGNAV1)");
  }
  size_t at = sizeof kMagic;
  if (const auto version = Get<uint32_t>(bytes, at); version != kFormatVersion) {
    return DataLoss(shown + ": navigation mesh format " + std::to_string(version) +
                    ", this Figurant reads format " + std::to_string(kFormatVersion));
  }
  auto impl = std::make_unique<Impl>();
  impl->key = std::string(bytes.substr(at, kKeyDigits));
  at += kKeyDigits;
  if (impl->key.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return DataLoss(shown + ": its key is not 64 lowercase hex digits");
  }
  AgentShape& s = impl->shape;
  for (float* v : {&s.radius, &s.height, &s.max_climb, &s.max_slope_deg})
    *v = Get<float>(bytes, at);
  if (!CheckShape(s).ok()) return DataLoss(shown + ": its agent shape is out of range");
  const auto size = Get<uint64_t>(bytes, at);
  const std::string_view digest = bytes.substr(at, kSha256Bytes);
  at += kSha256Bytes;
  if (size != bytes.size() - at) {
    return DataLoss(shown + ": holds " + std::to_string(bytes.size() - at) +
                    " bytes of mesh data where its header says " + std::to_string(size));
  }
  impl->data = std::string(bytes.substr(at));
  // Detour trusts its data's offsets: the bytes must be exactly those that were built.
  const Sha256Digest actual = Sha256(impl->data);
  if (std::memcmp(actual.data(), digest.data(), actual.size()) != 0) {
    return DataLoss(shown + ": its mesh data does not match its SHA-256");
  }
  FIGURANT_RETURN_IF_ERROR(impl->Open(shown));
  return std::unique_ptr<NavMesh>(new NavMesh(std::move(impl)));
}

Result<geom::Vec3f> NavMesh::Nearest(const geom::Vec3f& p, const geom::Vec3f& search) const {
  dtPolyRef ref = 0;
  geom::Vec3f out;
  const dtStatus status =
      impl_->query->findNearestPoly(&p.x, &search.x, &impl_->filter, &ref, &out.x);
  if (dtStatusFailed(status) || ref == 0) {
    return NotFound("no walkable ground within the search box around (" + std::to_string(p.x) +
                    ", " + std::to_string(p.y) + ", " + std::to_string(p.z) + ")");
  }
  return out;
}

Result<std::vector<geom::Vec3f>> NavMesh::FindPath(const geom::Vec3f& from,
                                                   const geom::Vec3f& to) const {
  const geom::Vec3f search{2.0f, 1.0f, 2.0f};  // Nearest's default
  dtNavMeshQuery& q = *impl_->query;
  dtPolyRef start = 0, end = 0;
  geom::Vec3f a, b;
  if (dtStatusFailed(q.findNearestPoly(&from.x, &search.x, &impl_->filter, &start, &a.x)) ||
      start == 0 ||
      dtStatusFailed(q.findNearestPoly(&to.x, &search.x, &impl_->filter, &end, &b.x)) || end == 0) {
    return NotFound("the path's start or end is not on walkable ground");
  }
  std::vector<dtPolyRef> polys(kMaxPathPolys);
  int count = 0;
  const dtStatus found =
      q.findPath(start, end, &a.x, &b.x, &impl_->filter, polys.data(), &count, kMaxPathPolys);
  if (dtStatusFailed(found) || count == 0 || polys[static_cast<size_t>(count - 1)] != end ||
      dtStatusDetail(found, DT_PARTIAL_RESULT)) {
    return NotFound("the end cannot be reached from the start on walkable ground");
  }
  std::vector<geom::Vec3f> corners(kMaxPathPolys);
  int corner_count = 0;
  if (dtStatusFailed(q.findStraightPath(&a.x, &b.x, polys.data(), count, &corners[0].x, nullptr,
                                        nullptr, &corner_count, kMaxPathPolys))) {
    return Internal("Detour cannot straighten the path");
  }
  corners.resize(static_cast<size_t>(corner_count));
  return corners;
}

int NavMesh::polygon_count() const { return impl_->polygons; }
const AgentShape& NavMesh::shape() const { return impl_->shape; }
const std::string& NavMesh::key() const { return impl_->key; }
dtNavMesh* NavMesh::detour() const { return impl_->mesh.get(); }

Result<std::unique_ptr<NavMesh>> LoadOrBuild(const std::filesystem::path& cache_dir,
                                             const NavInput& input, const AgentShape& shape,
                                             const BuildOptions& options, bool* built) {
  const std::string key = NavMeshKey(input, shape, options);
  const std::filesystem::path file = cache_dir / (key + ".navmesh");
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    FIGURANT_ASSIGN_OR_RETURN(const std::string bytes, ReadFile(file));
    auto mesh = NavMesh::Load(bytes, file.string());
    if (!mesh.ok()) {
      return DataLoss(mesh.status().message() + " (a cache file: delete it and it is rebuilt)");
    }
    if ((*mesh)->key() != key) {
      return DataLoss(file.string() + ": holds the navigation mesh of another input (key " +
                      (*mesh)->key() + "): delete it and it is rebuilt");
    }
    if (built != nullptr) *built = false;
    return mesh;
  }
  FIGURANT_ASSIGN_OR_RETURN(auto mesh, NavMesh::Build(input, shape, options));
  FIGURANT_RETURN_IF_ERROR(EnsureDirectory(cache_dir));
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(file, mesh->Serialize()));
  if (built != nullptr) *built = true;
  return mesh;
}

}  // namespace figurant::nav
