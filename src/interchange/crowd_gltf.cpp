#include "interchange/crowd_gltf.h"

#include <tiny_gltf.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <sstream>

namespace figurant::interchange {
namespace {

constexpr uint64_t kMaxBytes = std::numeric_limits<uint32_t>::max();

// The model being written: one buffer every view and accessor points into.
class ModelWriter {
 public:
  ModelWriter() { model_.buffers.emplace_back(); }

  // `count` elements of `type` (TINYGLTF_TYPE_*) of floats (or u32 when `indices`) copied from
  // `data`, as a new accessor; its index. `min`/`max` written when given.
  int Add(const void* data, size_t bytes, size_t count, int type, bool indices,
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
    accessor.componentType =
        indices ? TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT : TINYGLTF_COMPONENT_TYPE_FLOAT;
    accessor.count = count;
    accessor.type = type;
    accessor.minValues = std::move(min);
    accessor.maxValues = std::move(max);
    model_.accessors.push_back(accessor);
    return static_cast<int>(model_.accessors.size() - 1);
  }

  size_t bytes() const { return model_.buffers[0].data.size(); }
  tinygltf::Model& model() { return model_; }

 private:
  tinygltf::Model model_;
};

// A double's mesh: positions (with their bounds), normals and colours when it has them, triangles.
int AddMesh(ModelWriter& w, const CrowdDouble& d) {
  const geom::Mesh& m = *d.mesh;
  std::vector<double> lo(3, INFINITY), hi(3, -INFINITY);
  for (const geom::Vec3f& p : m.positions) {
    const float c[3] = {p.x, p.y, p.z};
    for (int k = 0; k < 3; ++k)
      lo[k] = std::min(lo[k], double{c[k]}), hi[k] = std::max(hi[k], double{c[k]});
  }
  tinygltf::Primitive primitive;
  primitive.mode = TINYGLTF_MODE_TRIANGLES;
  primitive.attributes["POSITION"] =
      w.Add(m.positions.data(), m.positions.size() * sizeof(geom::Vec3f), m.positions.size(),
            TINYGLTF_TYPE_VEC3, false, lo, hi);
  if (!m.normals.empty()) {
    primitive.attributes["NORMAL"] = w.Add(m.normals.data(), m.normals.size() * sizeof(geom::Vec3f),
                                           m.normals.size(), TINYGLTF_TYPE_VEC3, false);
  }
  if (!m.colors.empty()) {
    primitive.attributes["COLOR_0"] = w.Add(m.colors.data(), m.colors.size() * sizeof(geom::Vec3f),
                                            m.colors.size(), TINYGLTF_TYPE_VEC3, false);
  }
  primitive.indices = w.Add(m.indices.data(), m.indices.size() * sizeof(uint32_t), m.indices.size(),
                            TINYGLTF_TYPE_SCALAR, true);
  tinygltf::Mesh mesh;
  mesh.name = d.name;
  mesh.primitives.push_back(primitive);
  w.model().meshes.push_back(mesh);
  return static_cast<int>(w.model().meshes.size() - 1);
}

Status Check(std::span<const CrowdDouble> doubles, std::span<const CrowdAgent> agents,
             const nav::Trajectories& t, double fps) {
  if (!(fps > 0 && fps <= 1000)) return InvalidArgument("crowd glTF: fps must be in (0, 1000]");
  if (static_cast<size_t>(t.agents) != agents.size() || t.frames < 1 ||
      t.placements.size() != static_cast<size_t>(t.frames) * agents.size()) {
    return InvalidArgument("crowd glTF: the trajectories are not of these agents");
  }
  for (const CrowdDouble& d : doubles) {
    if (d.mesh == nullptr) return InvalidArgument("crowd glTF: double " + d.name + " has no mesh");
    FIGURANT_RETURN_IF_ERROR(d.mesh->Validate().WithContext("crowd glTF: double " + d.name));
  }
  std::set<std::string> names;
  for (const CrowdAgent& a : agents) {
    if (a.double_index < 0 || static_cast<size_t>(a.double_index) >= doubles.size()) {
      return InvalidArgument("crowd glTF: agent " + a.name + " shows no double of the crowd");
    }
    if (!names.insert(a.name).second) {
      return InvalidArgument("crowd glTF: agent name " + a.name + " is used twice");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> EncodeCrowdGlb(std::span<const CrowdDouble> doubles,
                                   std::span<const CrowdAgent> agents, const nav::Trajectories& t,
                                   double fps, const GltfOptions& options) {
  FIGURANT_RETURN_IF_ERROR(Check(doubles, agents, t, fps));
  ModelWriter w;
  tinygltf::Model& model = w.model();
  model.asset.version = "2.0";
  model.asset.generator = options.generator;
  std::vector<int> mesh_of;
  for (const CrowdDouble& d : doubles) mesh_of.push_back(AddMesh(w, d));

  std::vector<float> times(static_cast<size_t>(t.frames));
  for (int f = 0; f < t.frames; ++f) times[static_cast<size_t>(f)] = static_cast<float>(f / fps);
  const int input = w.Add(times.data(), times.size() * sizeof(float), times.size(),
                          TINYGLTF_TYPE_SCALAR, false, {times.front()}, {times.back()});
  tinygltf::Scene scene;
  scene.name = options.name;
  tinygltf::Animation animation;
  animation.name = "crowd";
  for (size_t a = 0; a < agents.size(); ++a) {
    std::vector<float> translation, rotation;
    for (int f = 0; f < t.frames; ++f) {
      const nav::Placement& p = t.At(f, static_cast<int>(a));
      translation.insert(translation.end(), {p.position.x, p.position.y, p.position.z});
      // About +Y by the heading: (x, y, z, w) = (0, sin h/2, 0, cos h/2).
      rotation.insert(rotation.end(),
                      {0, std::sin(p.heading_rad / 2), 0, std::cos(p.heading_rad / 2)});
    }
    tinygltf::Node node;
    node.name = agents[a].name;
    node.mesh = mesh_of[static_cast<size_t>(agents[a].double_index)];
    node.translation = {translation[0], translation[1], translation[2]};
    node.rotation = {rotation[0], rotation[1], rotation[2], rotation[3]};
    model.nodes.push_back(node);
    const int n = static_cast<int>(model.nodes.size() - 1);
    scene.nodes.push_back(n);
    for (const auto& [path, keys, type] :
         {std::tuple{"translation", &translation, TINYGLTF_TYPE_VEC3},
          std::tuple{"rotation", &rotation, TINYGLTF_TYPE_VEC4}}) {
      tinygltf::AnimationSampler sampler;
      sampler.input = input;
      sampler.output = w.Add(keys->data(), keys->size() * sizeof(float),
                             static_cast<size_t>(t.frames), type, false);
      animation.samplers.push_back(sampler);
      tinygltf::AnimationChannel channel;
      channel.sampler = static_cast<int>(animation.samplers.size() - 1);
      channel.target_node = n;
      channel.target_path = path;
      animation.channels.push_back(channel);
    }
    if (w.bytes() > kMaxBytes) {
      return InvalidArgument("crowd glTF: over 4 GiB, glTF's limit: export fewer agents or frames");
    }
  }
  model.animations.push_back(animation);
  model.scenes.push_back(scene);
  model.defaultScene = 0;
  model.buffers[0].data.resize((w.bytes() + 3) / 4 * 4, 0);

  std::ostringstream out;
  tinygltf::TinyGLTF writer;
  if (!writer.WriteGltfSceneToStream(&model, out, /*prettyPrint=*/false, /*writeBinary=*/true)) {
    return Internal("crowd glTF: tinygltf cannot write the file");
  }
  return out.str();
}

}  // namespace figurant::interchange
