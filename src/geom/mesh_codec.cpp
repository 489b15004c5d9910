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
  Reader r(bytes);
  std::string_view magic;
  if (!r.GetBytes(sizeof kMagic, magic) || std::memcmp(magic.data(), kMagic, sizeof kMagic) != 0) {
    return DataLoss("double asset: not a Figurant double (bad magic)");
  }
  DoubleAsset asset;
  Mesh& m = asset.mesh;
  bool have_positions = false, have_indices = false, have_end = false;
  std::string_view skin_payload;
  while (!r.done()) {
    if (have_end) return Malformed("asset (bytes after the end section)");
    const size_t section_start = bytes.size() - r.remaining();
    uint32_t tag = 0;
    uint64_t length = 0;
    std::string_view payload;
    if (!r.Get(tag) || !r.Get(length) || length > r.remaining() ||
        !r.GetBytes(static_cast<size_t>(length), payload)) {
      return Malformed("section header (truncated)");
    }
    switch (tag) {
      case kPositions:
        if (!ToVector(payload, m.positions)) return Malformed("positions");
        have_positions = true;
        break;
      case kNormals:
        if (!ToVector(payload, m.normals)) return Malformed("normals");
        break;
      case kUvs:
        if (!ToVector(payload, m.uvs)) return Malformed("uvs");
        break;
      case kColors:
        if (!ToVector(payload, m.colors)) return Malformed("colors");
        break;
      case kIndices:
        if (!ToVector(payload, m.indices)) return Malformed("indices");
        have_indices = true;
        break;
      case kRegions:
        if (!ToVector(payload, m.regions)) return Malformed("regions");
        for (Region reg : m.regions) {
          if (static_cast<uint8_t>(reg) > static_cast<uint8_t>(Region::kOther)) {
            return Malformed("regions (unknown region)");
          }
        }
        break;
      case kBaseColor: {
        std::vector<Vec3f> c;
        if (!ToVector(payload, c) || c.size() != 1) return Malformed("base colour");
        m.base_color = c[0];
        break;
      }
      case kTexture: {
        Reader t(payload);
        uint32_t w = 0, h = 0;
        if (!t.Get(w) || !t.Get(h) || w == 0 || h == 0 || w > kMaxTextureSide ||
            h > kMaxTextureSide || t.remaining() != static_cast<uint64_t>(w) * h * 4) {
          return Malformed("texture");
        }
        m.albedo.width = static_cast<int>(w);
        m.albedo.height = static_cast<int>(h);
        std::string_view px;
        (void)t.GetBytes(t.remaining(), px);
        m.albedo.rgba.assign(px.begin(), px.end());
        break;
      }
      case kSkeleton: {
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
        m.skeleton = std::move(sk);
        break;
      }
      case kSkin:
        skin_payload = payload;
        break;
      case kLod: {
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
        asset.lods.push_back(std::move(lod));
        break;
      }
      case kEnd: {
        uint64_t before = 0;
        Reader e(payload);
        if (!e.Get(before) || !e.done() || before != section_start) return Malformed("end section");
        have_end = true;
        break;
      }
      default:
        break;  // a section from a newer writer: skipped
    }
  }
  if (!have_end) return Malformed("asset (truncated: no end section)");
  if (!have_positions || !have_indices) return Malformed("asset (positions or indices missing)");
  if (!skin_payload.empty()) {
    const size_t n = m.positions.size();
    const size_t jbytes = n * sizeof(std::array<uint16_t, kMaxInfluences>);
    const size_t wbytes = n * sizeof(std::array<float, kMaxInfluences>);
    if (!m.skeleton || skin_payload.size() != jbytes + wbytes) return Malformed("skin weights");
    m.skin.joints.resize(n);
    m.skin.weights.resize(n);
    std::memcpy(m.skin.joints.data(), skin_payload.data(), jbytes);
    std::memcpy(m.skin.weights.data(), skin_payload.data() + jbytes, wbytes);
  }
  Status valid = m.Validate();
  if (!valid.ok()) return DataLoss("double asset: " + valid.message());
  for (size_t i = 0; i < asset.lods.size(); ++i) {
    for (uint32_t v : asset.lods[i].indices) {
      if (v >= m.positions.size()) return Malformed("level of detail " + std::to_string(i));
    }
  }
  return asset;
}

}  // namespace figurant::geom
