#include "geom/mesh_codec.h"

#include <cstring>
#include <limits>

namespace figurant::geom {
namespace {

constexpr char kMagic[8] = {'F', 'G', 'D', 'B', 'L', '1', '\0', '\0'};
constexpr uint32_t kMaxBones = 1024;
constexpr uint32_t kMaxTextureSide = 16384;

enum Tag : uint32_t {
  kPositions = 1,
  kNormals = 2,
  kUvs = 3,
  kColors = 4,
  kIndices = 5,
  kRegions = 6,
  kBaseColor = 7,
  kTexture = 8,
  kSkeleton = 9,
  kSkin = 10,
  kLod = 11,
  kEnd = 0xffff,  // last section: u64 byte length of everything before it
};

class Writer {
 public:
  template <typename T>
  void Put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const char*>(&v);
    out_.append(p, sizeof(T));
  }
  void PutBytes(const void* data, size_t size) {
    out_.append(static_cast<const char*>(data), size);
  }
  template <typename T>
  void Section(Tag tag, const std::vector<T>& items) {
    Put<uint32_t>(tag);
    Put<uint64_t>(items.size() * sizeof(T));
    if (!items.empty()) PutBytes(items.data(), items.size() * sizeof(T));
  }
  void Section(Tag tag, const std::string& payload) {
    Put<uint32_t>(tag);
    Put<uint64_t>(payload.size());
    out_ += payload;
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool done() const { return pos_ == in_.size(); }
  size_t remaining() const { return in_.size() - pos_; }
  template <typename T>
  bool Get(T& v) {
    if (remaining() < sizeof(T)) return false;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool GetBytes(size_t n, std::string_view& out) {
    if (remaining() < n) return false;
    out = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

template <typename T>
bool ToVector(std::string_view payload, std::vector<T>& out) {
  if (payload.size() % sizeof(T) != 0) return false;
  out.resize(payload.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), payload.data(), payload.size());
  return true;
}

Status Malformed(std::string_view what) {
  return DataLoss("double asset: malformed " + std::string(what));
}

// ---- decoding, one stage per section kind -------------------------------------------------------

struct Section {
  uint32_t tag = 0;
  std::string_view payload;
  size_t start = 0;  // offset of the section's header from the start of the asset
};

// The next section header and its payload, which must lie inside the buffer.
Result<Section> NextSection(Reader& r, size_t asset_size) {
  Section s;
  s.start = asset_size - r.remaining();
  uint64_t length = 0;
  if (!r.Get(s.tag) || !r.Get(length) || length > r.remaining() ||
      !r.GetBytes(static_cast<size_t>(length), s.payload)) {
    return Malformed("section header (truncated)");
  }
  return s;
}

// A whole number of packed T, named `what` in the error.
template <typename T>
Status ReadArray(std::string_view payload, std::vector<T>& out, std::string_view what) {
  return ToVector(payload, out) ? Status::Ok() : Malformed(what);
}

Result<std::vector<Region>> DecodeRegions(std::string_view payload) {
  std::vector<Region> regions;
  if (!ToVector(payload, regions)) return Malformed("regions");
  for (Region reg : regions) {
    if (static_cast<uint8_t>(reg) > static_cast<uint8_t>(Region::kOther)) {
      return Malformed("regions (unknown region)");
    }
  }
  return regions;
}

Result<Vec3f> DecodeBaseColor(std::string_view payload) {
  std::vector<Vec3f> c;
  if (!ToVector(payload, c) || c.size() != 1) return Malformed("base colour");
  return c[0];
}

// u32 width, u32 height (each 1..kMaxTextureSide), then exactly width * height RGBA8 pixels.
Result<Texture> DecodeTexture(std::string_view payload) {
  Reader t(payload);
  uint32_t w = 0, h = 0;
  if (!t.Get(w) || !t.Get(h) || w == 0 || h == 0 || w > kMaxTextureSide || h > kMaxTextureSide ||
      t.remaining() != static_cast<uint64_t>(w) * h * 4) {
    return Malformed("texture");
  }
  Texture tex;
  tex.width = static_cast<int>(w);
  tex.height = static_cast<int>(h);
  std::string_view px;
  (void)t.GetBytes(t.remaining(), px);
  tex.rgba.assign(px.begin(), px.end());
  return tex;
}

// u32 bone count (1..kMaxBones), then per bone: u16 name length, name, i32 parent (a bone before
// it, or -1), 16 f32 bind pose; nothing after the last bone.
Result<Skeleton> DecodeSkeleton(std::string_view payload) {
  Reader s(payload);
  uint32_t count = 0;
  if (!s.Get(count) || count == 0 || count > kMaxBones) return Malformed("skeleton");
  Skeleton sk;
  for (uint32_t i = 0; i < count; ++i) {
    Bone b;
    uint16_t len = 0;
    std::string_view name, pose;
    if (!s.Get(len) || !s.GetBytes(len, name) || !s.Get(b.parent) ||
        !s.GetBytes(sizeof(float) * 16, pose) || b.parent < -1 ||
        b.parent >= static_cast<int32_t>(i)) {
      return Malformed("skeleton bone " + std::to_string(i));
    }
    b.name.assign(name);
    std::memcpy(b.bind_pose.m.data(), pose.data(), pose.size());
    sk.bones.push_back(std::move(b));
  }
  if (!s.done()) return Malformed("skeleton (trailing bytes)");
  return sk;
}

// f32 error, u32 index count (whole triangles), then exactly that many u32 indices. Whether the
// indices name real vertices is checked once every section is read.
Result<LevelOfDetail> DecodeLevelOfDetail(std::string_view payload) {
  Reader l(payload);
  LevelOfDetail lod;
  uint32_t count = 0;
  std::string_view idx;
  if (!l.Get(lod.error) || !l.Get(count) || count % 3 != 0 ||
      l.remaining() != static_cast<uint64_t>(count) * 4 || !l.GetBytes(l.remaining(), idx)) {
    return Malformed("level of detail");
  }
  lod.indices.resize(count);
  if (count > 0) std::memcpy(lod.indices.data(), idx.data(), idx.size());
  return lod;
}

// The end section holds the byte length of everything before it, so a cut at a section boundary
// is caught.
Status CheckEndSection(const Section& s) {
  uint64_t before = 0;
  Reader e(s.payload);
  if (!e.Get(before) || !e.done() || before != s.start) return Malformed("end section");
  return Status::Ok();
}

// What the sections have given so far.
struct Decoded {
  DoubleAsset asset;
  bool have_positions = false;
  bool have_indices = false;
  bool have_end = false;
  std::string_view skin;  // read once the vertex count and skeleton are known
};

// Moves a decoded value into its place in the mesh, or passes the error on.
template <typename T, typename Place>
Status Store(Result<T> value, Place& into) {
  if (!value.ok()) return value.status();
  into = std::move(value).value();
  return Status::Ok();
}

Status ReadSection(const Section& s, Decoded& d) {
  Mesh& m = d.asset.mesh;
  switch (s.tag) {
    case kPositions:
      d.have_positions = true;
      return ReadArray(s.payload, m.positions, "positions");
    case kNormals:
      return ReadArray(s.payload, m.normals, "normals");
    case kUvs:
      return ReadArray(s.payload, m.uvs, "uvs");
    case kColors:
      return ReadArray(s.payload, m.colors, "colors");
    case kIndices:
      d.have_indices = true;
      return ReadArray(s.payload, m.indices, "indices");
    case kRegions:
      return Store(DecodeRegions(s.payload), m.regions);
    case kBaseColor:
      return Store(DecodeBaseColor(s.payload), m.base_color);
    case kTexture:
      return Store(DecodeTexture(s.payload), m.albedo);
    case kSkeleton:
      return Store(DecodeSkeleton(s.payload), m.skeleton);
    case kSkin:
      d.skin = s.payload;
      return Status::Ok();
    case kLod: {
      FIGURANT_ASSIGN_OR_RETURN(LevelOfDetail lod, DecodeLevelOfDetail(s.payload));
      d.asset.lods.push_back(std::move(lod));
      return Status::Ok();
    }
    case kEnd:
      d.have_end = true;
      return CheckEndSection(s);
    default:
      return Status::Ok();  // a section from a newer writer: skipped
  }
}

// Every section in order, up to and including the end section, which must be the last bytes.
Result<Decoded> ReadSections(std::string_view bytes) {
  Reader r(bytes);
  std::string_view magic;
  if (!r.GetBytes(sizeof kMagic, magic) || std::memcmp(magic.data(), kMagic, sizeof kMagic) != 0) {
    return DataLoss("double asset: not a Figurant double (bad magic)");
  }
  Decoded d;
  while (!r.done()) {
    if (d.have_end) return Malformed("asset (bytes after the end section)");
    FIGURANT_ASSIGN_OR_RETURN(const Section s, NextSection(r, bytes.size()));
    FIGURANT_RETURN_IF_ERROR(ReadSection(s, d));
  }
  if (!d.have_end) return Malformed("asset (truncated: no end section)");
  if (!d.have_positions || !d.have_indices) {
    return Malformed("asset (positions or indices missing)");
  }
  return d;
}

// Per vertex kMaxInfluences u16 joints, then per vertex kMaxInfluences f32 weights; only with a
// skeleton.
Status ReadSkin(std::string_view payload, Mesh& m) {
  if (payload.empty()) return Status::Ok();
  const size_t n = m.positions.size();
  const size_t jbytes = n * sizeof(std::array<uint16_t, kMaxInfluences>);
  const size_t wbytes = n * sizeof(std::array<float, kMaxInfluences>);
  if (!m.skeleton || payload.size() != jbytes + wbytes) return Malformed("skin weights");
  m.skin.joints.resize(n);
  m.skin.weights.resize(n);
  std::memcpy(m.skin.joints.data(), payload.data(), jbytes);
  std::memcpy(m.skin.weights.data(), payload.data() + jbytes, wbytes);
  return Status::Ok();
}

// The mesh's own rules (Mesh::Validate), and every level's indices name a vertex.
Status CheckGeometry(const DoubleAsset& asset) {
  const Mesh& m = asset.mesh;
  Status valid = m.Validate();
  if (!valid.ok()) return DataLoss("double asset: " + valid.message());
  for (size_t i = 0; i < asset.lods.size(); ++i) {
    for (uint32_t v : asset.lods[i].indices) {
      if (v >= m.positions.size()) return Malformed("level of detail " + std::to_string(i));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeDoubleAsset(const DoubleAsset& asset) {
  static_assert(sizeof(Vec3f) == 12 && sizeof(Vec2f) == 8, "packed vector layout expected");
  const Mesh& m = asset.mesh;
  Writer w;
  w.PutBytes(kMagic, sizeof kMagic);
  w.Section(kPositions, m.positions);
  if (!m.normals.empty()) w.Section(kNormals, m.normals);
  if (!m.uvs.empty()) w.Section(kUvs, m.uvs);
  if (!m.colors.empty()) w.Section(kColors, m.colors);
  w.Section(kIndices, m.indices);
  if (!m.regions.empty()) w.Section(kRegions, m.regions);
  w.Section(kBaseColor, std::vector<Vec3f>{m.base_color});
  if (!m.albedo.empty()) {
    Writer t;
    t.Put<uint32_t>(static_cast<uint32_t>(m.albedo.width));
    t.Put<uint32_t>(static_cast<uint32_t>(m.albedo.height));
    t.PutBytes(m.albedo.rgba.data(), m.albedo.rgba.size());
    w.Section(kTexture, t.str());
  }
  if (m.skeleton) {
    Writer s;
    s.Put<uint32_t>(static_cast<uint32_t>(m.skeleton->bones.size()));
    for (const Bone& b : m.skeleton->bones) {
      s.Put<uint16_t>(static_cast<uint16_t>(b.name.size()));
      s.PutBytes(b.name.data(), b.name.size());
      s.Put<int32_t>(b.parent);
      s.PutBytes(b.bind_pose.m.data(), sizeof(float) * 16);
    }
    w.Section(kSkeleton, s.str());
    if (!m.skin.joints.empty()) {
      Writer k;
      k.PutBytes(m.skin.joints.data(), m.skin.joints.size() * sizeof(m.skin.joints[0]));
      k.PutBytes(m.skin.weights.data(), m.skin.weights.size() * sizeof(m.skin.weights[0]));
      w.Section(kSkin, k.str());
    }
  }
  for (const LevelOfDetail& lod : asset.lods) {
    Writer l;
    l.Put<float>(lod.error);
    l.Put<uint32_t>(static_cast<uint32_t>(lod.indices.size()));
    l.PutBytes(lod.indices.data(), lod.indices.size() * sizeof(uint32_t));
    w.Section(kLod, l.str());
  }
  const uint64_t before_end = w.str().size();
  w.Put<uint32_t>(kEnd);
  w.Put<uint64_t>(sizeof(uint64_t));
  w.Put<uint64_t>(before_end);
  return std::move(w.str());
}

Result<DoubleAsset> DecodeDoubleAsset(std::string_view bytes) {
  FIGURANT_ASSIGN_OR_RETURN(Decoded d, ReadSections(bytes));
  FIGURANT_RETURN_IF_ERROR(ReadSkin(d.skin, d.asset.mesh));
  FIGURANT_RETURN_IF_ERROR(CheckGeometry(d.asset));
  return std::move(d.asset);
}

}  // namespace figurant::geom
