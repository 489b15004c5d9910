#include "interchange/crowd_gltf.h"

#include <tiny_gltf.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <sstream>

#include "interchange/internal/skin.h"
#include "interchange/mannequin.h"

namespace figurant::interchange {
namespace {

using internal::Trs;

constexpr uint64_t kMaxBytes = std::numeric_limits<uint32_t>::max();
// A key differs from the first frame's by more than this when its node moves (float noise from
// forward kinematics stays well below it). [Units: metres for translations, quaternion components
// for rotations]
constexpr float kStillTolerance = 1e-5f;
constexpr float kMaxScale = 10, kMaxStandingHeightM = 3;
constexpr float kShortMax = 32767;  // a normalized signed 16-bit integer's 1.0
// Nodes' static translations and rotations are written to this step. [Units: metres, quaternion
// components]
constexpr double kStaticStep = 1e-6;

// The model being written: one buffer every view and accessor points into.
class ModelWriter {
 public:
  ModelWriter() { model_.buffers.emplace_back(); }

  // `count` elements of `type` (TINYGLTF_TYPE_*) of `component` (TINYGLTF_COMPONENT_TYPE_*)
  // copied from `data`, as a new accessor; its index. `min`/`max` written when given.
  int Add(const void* data, size_t bytes, size_t count, int type, int component,
          std::vector<double> min = {}, std::vector<double> max = {}) {
    std::vector<unsigned char>& buffer = model_.buffers[0].data;
    buffer.resize((buffer.size() + 3) / 4 * 4, 0);  // 4-byte aligned views
    tinygltf::BufferView view;
    view.buffer = 0;
    view.byteOffset = buffer.size();
    view.byteLength = bytes;
    const auto* begin = static_cast<const unsigned char*>(data);
    buffer.insert(buffer.end(), begin, begin + bytes);
    model_.bufferViews.push_back(view);
    tinygltf::Accessor accessor;
    accessor.bufferView = static_cast<int>(model_.bufferViews.size() - 1);
    accessor.componentType = component;
    accessor.count = count;
    accessor.type = type;
    accessor.minValues = std::move(min);
    accessor.maxValues = std::move(max);
    model_.accessors.push_back(accessor);
    return static_cast<int>(model_.accessors.size() - 1);
  }
  template <typename T>
  int Add(const std::vector<T>& items, int type, int component = TINYGLTF_COMPONENT_TYPE_FLOAT) {
    return Add(items.data(), items.size() * sizeof(T), items.size(), type, component);
  }
  // `bytes` as a new bufferView (4-byte aligned); its index.
  int View(const std::vector<unsigned char>& bytes) {
    std::vector<unsigned char>& buffer = model_.buffers[0].data;
    buffer.resize((buffer.size() + 3) / 4 * 4, 0);
    tinygltf::BufferView view;
    view.buffer = 0;
    view.byteOffset = buffer.size();
    view.byteLength = bytes.size();
    buffer.insert(buffer.end(), bytes.begin(), bytes.end());
    model_.bufferViews.push_back(view);
    return static_cast<int>(model_.bufferViews.size() - 1);
  }
  // An accessor of `count` elements at `offset` in `view`; its index.
  int Accessor(int view, size_t offset, size_t count, int type, int component, bool normalized) {
    tinygltf::Accessor accessor;
    accessor.bufferView = view;
    accessor.byteOffset = offset;
    accessor.componentType = component;
    accessor.normalized = normalized;
    accessor.count = count;
    accessor.type = type;
    model_.accessors.push_back(accessor);
    return static_cast<int>(model_.accessors.size() - 1);
  }
  int AddNode(tinygltf::Node node) {
    model_.nodes.push_back(std::move(node));
    return static_cast<int>(model_.nodes.size() - 1);
  }

  size_t bytes() const { return model_.buffers[0].data.size(); }
  tinygltf::Model& model() { return model_; }

 private:
  tinygltf::Model model_;
};

// What a double is written as: its mannequin's mesh, and with a skeleton its inverse bind
// matrices and each bone's local frame at bind.
struct DoubleOut {
  int mesh = -1;
  int inverse_bind = -1;  // accessor, -1 without a skeleton
  const geom::Skeleton* skeleton = nullptr;
  std::vector<Trs> bind;  // per bone
};

std::vector<double> Bound(const std::vector<geom::Vec3f>& points, bool upper) {
  std::vector<double> out(3, upper ? -INFINITY : INFINITY);
  for (const geom::Vec3f& p : points) {
    for (int k = 0; k < 3; ++k) {
      const auto c = static_cast<double>(p[k]);
      out[static_cast<size_t>(k)] = upper ? std::max(out[static_cast<size_t>(k)], c)
                                          : std::min(out[static_cast<size_t>(k)], c);
    }
  }
  return out;
}

std::vector<Trs> LocalTrs(const geom::Skeleton& skeleton, const std::vector<geom::Mat4f>& frames) {
  std::vector<Trs> out;
  out.reserve(frames.size());
  for (size_t b = 0; b < frames.size(); ++b) {
    out.push_back(internal::RigidTrs(internal::LocalFrame(skeleton.bones, frames, b)));
  }
  return out;
}

DoubleOut AddDouble(ModelWriter& w, const CrowdDouble& d, int material) {
  const geom::Mesh m = Mannequin(d.skeleton, d.standing_height_m);
  tinygltf::Primitive primitive;
  primitive.mode = TINYGLTF_MODE_TRIANGLES;
  primitive.material = material;
  primitive.attributes["POSITION"] =
      w.Add(m.positions.data(), m.positions.size() * sizeof(geom::Vec3f), m.positions.size(),
            TINYGLTF_TYPE_VEC3, TINYGLTF_COMPONENT_TYPE_FLOAT, Bound(m.positions, false),
            Bound(m.positions, true));
  primitive.attributes["NORMAL"] = w.Add(m.normals, TINYGLTF_TYPE_VEC3);
  DoubleOut out;
  if (d.skeleton != nullptr) {
    primitive.attributes["JOINTS_0"] =
        w.Add(m.skin.joints, TINYGLTF_TYPE_VEC4, TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT);
    primitive.attributes["WEIGHTS_0"] = w.Add(m.skin.weights, TINYGLTF_TYPE_VEC4);
    out.inverse_bind = w.Add(internal::InverseBindMatrices(*d.skeleton), TINYGLTF_TYPE_MAT4);
    out.skeleton = d.skeleton;
    std::vector<geom::Mat4f> frames;
    for (const geom::Bone& bone : d.skeleton->bones) frames.push_back(bone.bind_pose);
    out.bind = LocalTrs(*d.skeleton, frames);
  }
  primitive.indices = w.Add(m.indices, TINYGLTF_TYPE_SCALAR, TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT);
  tinygltf::Mesh mesh;
  mesh.name = d.name;
  mesh.primitives.push_back(primitive);
  w.model().meshes.push_back(mesh);
  out.mesh = static_cast<int>(w.model().meshes.size() - 1);
  return out;
}

// The mannequins' one material: plain grey, so that nothing suggests a performer's appearance.
int AddMaterial(tinygltf::Model& model) {
  tinygltf::Material material;
  material.name = "mannequin";
  material.pbrMetallicRoughness.baseColorFactor = {0.6, 0.6, 0.6, 1.0};
  material.pbrMetallicRoughness.metallicFactor = 0;
  material.pbrMetallicRoughness.roughnessFactor = 0.8;
  model.materials.push_back(material);
  return static_cast<int>(model.materials.size() - 1);
}

bool Finite(const geom::Mat4f& m) {
  for (const auto& column : m.m) {
    for (float v : column) {
      if (!std::isfinite(v)) return false;
    }
  }
  return true;
}

Status CheckDoubles(std::span<const CrowdDouble> doubles) {
  for (const CrowdDouble& d : doubles) {
    const std::string what = "crowd glTF: double " + d.name;
    if (!(d.standing_height_m > 0 && d.standing_height_m <= kMaxStandingHeightM)) {
      return InvalidArgument(what + ": standing height must be in (0, 3] m");
    }
    if (d.skeleton == nullptr) continue;
    if (d.skeleton->bones.empty()) return InvalidArgument(what + ": its skeleton has no bones");
    for (size_t b = 0; b < d.skeleton->bones.size(); ++b) {
      const geom::Bone& bone = d.skeleton->bones[b];
      if (bone.parent >= static_cast<int>(b)) {
        return InvalidArgument(what + ": bone " + bone.name + " comes before its parent");
      }
      if (!Finite(bone.bind_pose)) {
        return InvalidArgument(what + ": bone " + bone.name + " has a bind pose not finite");
      }
    }
  }
  return Status::Ok();
}

Status CheckAgents(std::span<const CrowdDouble> doubles, std::span<const CrowdAgent> agents) {
  std::set<std::string> names;
  for (const CrowdAgent& a : agents) {
    if (a.name.empty()) return InvalidArgument("crowd glTF: an agent has no name");
    if (a.double_index < 0 || static_cast<size_t>(a.double_index) >= doubles.size()) {
      return InvalidArgument("crowd glTF: agent " + a.name + " shows no double of the crowd");
    }
    if (!(a.scale > 0 && a.scale <= kMaxScale)) {
      return InvalidArgument("crowd glTF: agent " + a.name + ": scale must be in (0, 10]");
    }
    if (!names.insert(a.name).second) {
      return InvalidArgument("crowd glTF: agent name " + a.name + " is used twice");
    }
  }
  return Status::Ok();
}

Status CheckPoses(std::span<const CrowdDouble> doubles, const std::vector<CrowdPose>& poses) {
  for (size_t p = 0; p < poses.size(); ++p) {
    const CrowdPose& pose = poses[p];
    const std::string what = "crowd glTF: pose " + std::to_string(p);
    if (pose.double_index < 0 || static_cast<size_t>(pose.double_index) >= doubles.size()) {
      return InvalidArgument(what + " is of no double of the crowd");
    }
    const geom::Skeleton* s = doubles[static_cast<size_t>(pose.double_index)].skeleton;
    if (s == nullptr) return InvalidArgument(what + " is of a double without a skeleton");
    if (pose.bones.size() != s->bones.size()) {
      return InvalidArgument(what + " has " + std::to_string(pose.bones.size()) +
                             " bones, its skeleton " + std::to_string(s->bones.size()));
    }
    for (const geom::Mat4f& m : pose.bones) {
      if (!Finite(m)) return InvalidArgument(what + " has a bone frame not finite");
    }
  }
  return Status::Ok();
}

Status CheckMotion(std::span<const CrowdAgent> agents, const CrowdMotion& m) {
  if (!(m.fps > 0 && m.fps <= 1000)) return InvalidArgument("crowd glTF: fps must be in (0, 1000]");
  const nav::Trajectories& t = m.placements;
  if (static_cast<size_t>(t.agents) != agents.size() || t.frames < 1 ||
      t.placements.size() != static_cast<size_t>(t.frames) * agents.size()) {
    return InvalidArgument("crowd glTF: the placements are not of these agents (" +
                           std::to_string(agents.size()) + ") over frames >= 1");
  }
  for (const nav::Placement& p : t.placements) {
    if (!geom::IsFinite(p.position) || !std::isfinite(p.heading_rad)) {
      return InvalidArgument("crowd glTF: a placement is not finite");
    }
  }
  if (!m.pose_at.empty() && m.pose_at.size() != t.placements.size()) {
    return InvalidArgument("crowd glTF: pose_at has " + std::to_string(m.pose_at.size()) +
                           " entries, not one per agent and frame");
  }
  for (size_t k = 0; k < m.pose_at.size(); ++k) {
    const int p = m.pose_at[k];
    if (p < -1 || p >= static_cast<int>(m.poses.size())) {
      return InvalidArgument("crowd glTF: pose_at[" + std::to_string(k) + "] is no pose");
    }
    const CrowdAgent& a = agents[k % agents.size()];
    if (p >= 0 && m.poses[static_cast<size_t>(p)].double_index != a.double_index) {
      return InvalidArgument("crowd glTF: agent " + a.name + " shows a pose of another double");
    }
  }
  return Status::Ok();
}

// Keys of one channel, frame by frame; whether any differs from the first.
template <size_t N>
struct Keys {
  std::vector<float> values;
  bool moves = false;
  void Add(const std::array<float, N>& v) {
    std::array<float, N> key = v;
    if constexpr (N == 4) {
      // The quaternion nearest the previous one (q and -q are the same rotation), so that linear
      // interpolation takes the short way.
      if (!values.empty()) {
        float dot = 0;
        for (size_t k = 0; k < 4; ++k) dot += key[k] * values[values.size() - 4 + k];
        if (dot < 0) {
          for (float& c : key) c = -c;
        }
      }
    }
    for (size_t k = 0; k < N && !values.empty(); ++k) {
      moves = moves || std::fabs(key[k] - values[k]) > kStillTolerance;
    }
    values.insert(values.end(), key.begin(), key.end());
  }
  // The first key, as a node's static value: rounded to kStaticStep, so that the JSON prints it in
  // a few digits rather than a float's 17 (a crowd of rigged agents is mostly joint nodes).
  std::vector<double> First() const {
    std::vector<double> out;
    for (size_t k = 0; k < N; ++k) out.push_back(std::round(values[k] / kStaticStep) * kStaticStep);
    return out;
  }
};

// The writer of every agent's nodes and channels into one model and animation.
class AgentWriter {
 public:
  AgentWriter(ModelWriter& w, const CrowdMotion& motion, const std::vector<DoubleOut>& doubles,
              std::span<const CrowdAgent> agents)
      : w_(w), motion_(motion), doubles_(doubles), agents_(agents) {
    std::vector<float> times(static_cast<size_t>(frames()));
    for (int f = 0; f < frames(); ++f)
      times[static_cast<size_t>(f)] = static_cast<float>(f / motion.fps);
    input_ = w.Add(times.data(), times.size() * sizeof(float), times.size(), TINYGLTF_TYPE_SCALAR,
                   TINYGLTF_COMPONENT_TYPE_FLOAT, {times.front()}, {times.back()});
    for (const CrowdPose& p : motion.poses) {
      posed_.push_back(LocalTrs(*doubles[static_cast<size_t>(p.double_index)].skeleton, p.bones));
    }
    animation_.name = "crowd";
  }

  // Agent `a`'s root node (a child of the scene), its mesh, joints and skin, and its channels.
  void Write(size_t a) {
    const CrowdAgent& agent = agents_[a];
    const DoubleOut& d = doubles_[static_cast<size_t>(agent.double_index)];
    Keys<3> translation;
    Keys<4> rotation;
    for (int f = 0; f < frames(); ++f) {
      const nav::Placement& p = motion_.placements.At(f, static_cast<int>(a));
      translation.Add({p.position.x, p.position.y, p.position.z});
      // About +Y by the heading: (x, y, z, w) = (0, sin h/2, 0, cos h/2).
      rotation.Add({0, std::sin(p.heading_rad / 2), 0, std::cos(p.heading_rad / 2)});
    }
    tinygltf::Node root;
    root.name = agent.name;
    root.translation = translation.First();
    root.rotation = rotation.First();
    if (agent.scale != 1) root.scale.assign(3, agent.scale);
    if (d.skeleton == nullptr) root.mesh = d.mesh;
    const int root_node = w_.AddNode(root);
    scene_.nodes.push_back(root_node);
    Channel(root_node, "translation", translation);
    Channel(root_node, "rotation", rotation);
    if (d.skeleton != nullptr) Joints(a, root_node, d);
    Flush();
  }

  // Writes the animation (when anything moves) and the scene.
  void Finish() {
    tinygltf::Model& model = w_.model();
    if (!animation_.channels.empty()) model.animations.push_back(animation_);
    model.scenes.push_back(scene_);
    model.defaultScene = 0;
  }

  void set_scene_name(const std::string& name) { scene_.name = name; }

 private:
  int frames() const { return motion_.placements.frames; }

  // Bone `b`'s local frame for agent `a` at frame `f`: its pose's, or its double's bind.
  const Trs& LocalAt(size_t a, int f, size_t b, const DoubleOut& d) const {
    const size_t k = static_cast<size_t>(f) * agents_.size() + a;
    const int p = motion_.pose_at.empty() ? -1 : motion_.pose_at[k];
    return p < 0 ? d.bind[b] : posed_[static_cast<size_t>(p)][b];
  }

  // The agent's copy of its double's joints under its root, their channels, its skin and the
  // mesh node it skins.
  void Joints(size_t a, int root_node, const DoubleOut& d) {
    const std::vector<geom::Bone>& bones = d.skeleton->bones;
    tinygltf::Skin skin;
    skin.name = agents_[a].name;
    skin.inverseBindMatrices = d.inverse_bind;
    for (size_t b = 0; b < bones.size(); ++b) {
      Keys<3> translation;
      Keys<4> rotation;
      for (int f = 0; f < frames(); ++f) {
        const Trs& trs = LocalAt(a, f, b, d);
        translation.Add(trs.translation);
        rotation.Add(trs.rotation);
      }
      tinygltf::Node joint;
      joint.name = bones[b].name;
      joint.translation = translation.First();
      joint.rotation = rotation.First();
      const int node = w_.AddNode(joint);
      const int parent =
          bones[b].parent < 0 ? root_node : skin.joints[static_cast<size_t>(bones[b].parent)];
      w_.model().nodes[static_cast<size_t>(parent)].children.push_back(node);
      skin.joints.push_back(node);
      Channel(node, "translation", translation);
      Channel(node, "rotation", rotation);
    }
    w_.model().skins.push_back(skin);
    tinygltf::Node body;
    body.name = agents_[a].name + ".mannequin";
    body.mesh = d.mesh;
    body.skin = static_cast<int>(w_.model().skins.size() - 1);
    const int body_node = w_.AddNode(body);
    w_.model().nodes[static_cast<size_t>(root_node)].children.push_back(body_node);
  }

  // Queues `keys` as the output of a channel of `node` when they move: translations as floats,
  // rotations as normalized signed 16-bit integers (glTF 2.0, "Animations": allowed for rotation
  // outputs; half the bytes, within 1/32767 a component), in the agent's one bufferView.
  template <size_t N>
  void Channel(int node, const char* path, const Keys<N>& keys) {
    if (!keys.moves) return;
    block_.resize((block_.size() + 3) / 4 * 4, 0);
    Pending p{node, path, block_.size(), N == 3 ? TINYGLTF_TYPE_VEC3 : TINYGLTF_TYPE_VEC4,
              N == 3 ? TINYGLTF_COMPONENT_TYPE_FLOAT : TINYGLTF_COMPONENT_TYPE_SHORT};
    if constexpr (N == 3) {
      const auto* bytes = reinterpret_cast<const unsigned char*>(keys.values.data());
      block_.insert(block_.end(), bytes, bytes + keys.values.size() * sizeof(float));
    } else {
      for (float c : keys.values) {
        const auto q = static_cast<int16_t>(std::lround(std::clamp(c, -1.0f, 1.0f) * kShortMax));
        const auto* bytes = reinterpret_cast<const unsigned char*>(&q);
        block_.insert(block_.end(), bytes, bytes + sizeof q);
      }
    }
    pending_.push_back(p);
  }

  // The agent's queued channels written: one bufferView, an accessor, sampler and channel each.
  void Flush() {
    if (pending_.empty()) return;
    const int view = w_.View(block_);
    for (const Pending& p : pending_) {
      tinygltf::AnimationSampler sampler;
      sampler.input = input_;
      sampler.output = w_.Accessor(view, p.offset, static_cast<size_t>(frames()), p.type,
                                   p.component, p.component == TINYGLTF_COMPONENT_TYPE_SHORT);
      animation_.samplers.push_back(sampler);
      tinygltf::AnimationChannel channel;
      channel.sampler = static_cast<int>(animation_.samplers.size() - 1);
      channel.target_node = p.node;
      channel.target_path = p.path;
      animation_.channels.push_back(channel);
    }
    block_.clear();
    pending_.clear();
  }

  struct Pending {
    int node = -1;
    const char* path = "";
    size_t offset = 0;  // into block_ [Units: bytes]
    int type = 0, component = 0;
  };

  ModelWriter& w_;
  const CrowdMotion& motion_;
  const std::vector<DoubleOut>& doubles_;
  std::span<const CrowdAgent> agents_;
  std::vector<std::vector<Trs>> posed_;  // per pose, per bone: its local frame
  std::vector<unsigned char> block_;     // the current agent's keys
  std::vector<Pending> pending_;         // and their channels
  int input_ = -1;
  tinygltf::Animation animation_;
  tinygltf::Scene scene_;
};

Status TooLarge() {
  return InvalidArgument("crowd glTF: over 4 GiB, glTF's limit: export fewer agents or frames");
}

}  // namespace

Result<std::string> EncodeCrowdGlb(std::span<const CrowdDouble> doubles,
                                   std::span<const CrowdAgent> agents, const CrowdMotion& motion,
                                   const GltfOptions& options) {
  FIGURANT_RETURN_IF_ERROR(CheckDoubles(doubles));
  FIGURANT_RETURN_IF_ERROR(CheckAgents(doubles, agents));
  FIGURANT_RETURN_IF_ERROR(CheckPoses(doubles, motion.poses));
  FIGURANT_RETURN_IF_ERROR(CheckMotion(agents, motion));
  ModelWriter w;
  tinygltf::Model& model = w.model();
  model.asset.version = "2.0";
  model.asset.generator = options.generator;
  const int material = AddMaterial(model);
  std::vector<DoubleOut> written;
  written.reserve(doubles.size());
  for (const CrowdDouble& d : doubles) written.push_back(AddDouble(w, d, material));

  AgentWriter agent_writer(w, motion, written, agents);
  agent_writer.set_scene_name(options.name);
  for (size_t a = 0; a < agents.size(); ++a) {
    agent_writer.Write(a);
    if (w.bytes() > kMaxBytes) return TooLarge();
  }
  agent_writer.Finish();
  model.buffers[0].data.resize((w.bytes() + 3) / 4 * 4, 0);

  std::ostringstream out;
  tinygltf::TinyGLTF writer;
  if (!writer.WriteGltfSceneToStream(&model, out, /*prettyPrint=*/false, /*writeBinary=*/true)) {
    return Internal("crowd glTF: tinygltf cannot write the file");
  }
  if (out.tellp() > static_cast<std::streamoff>(kMaxBytes)) return TooLarge();
  return out.str();
}

}  // namespace figurant::interchange
