#include "interchange/gltf_export.h"

#include <stb/stb_image_write.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "interchange/internal/skin.h"

namespace figurant::interchange {
namespace {

using nlohmann::json;

// glTF 2.0 constants (Khronos glTF 2.0 specification, section 3.6 and 4.4).
constexpr uint32_t kGlbMagic = 0x46546C67;  // "glTF"
constexpr uint32_t kChunkJson = 0x4E4F534A;
constexpr uint32_t kChunkBin = 0x004E4942;
constexpr int kFloat = 5126;
constexpr int kUnsignedShort = 5123;
constexpr int kUnsignedInt = 5125;
constexpr int kArrayBuffer = 34962;
constexpr int kElementArrayBuffer = 34963;

// The binary chunk and the bufferViews and accessors that describe it.
class Buffer {
 public:
  explicit Buffer(json& doc) : doc_(doc) {
    doc_["bufferViews"] = json::array();
    doc_["accessors"] = json::array();
  }

  // Appends raw bytes as a bufferView (4-byte aligned); returns its index.
  int View(const void* data, size_t bytes, int target) {
    while (bin_.size() % 4 != 0) bin_.push_back('\0');
    json view = {{"buffer", 0}, {"byteOffset", bin_.size()}, {"byteLength", bytes}};
    if (target != 0) view["target"] = target;
    bin_.append(static_cast<const char*>(data), bytes);
    doc_["bufferViews"].push_back(view);
    return static_cast<int>(doc_["bufferViews"].size()) - 1;
  }

  // Appends `count` elements of `type` ("VEC3", …) and returns the accessor's index.
  template <typename T>
  int Accessor(const std::vector<T>& items, int component, std::string_view type, int target,
               const json& extra = json::object()) {
    json a = {{"bufferView", View(items.data(), items.size() * sizeof(T), target)},
              {"componentType", component},
              {"count", items.size()},
              {"type", type}};
    a.update(extra);
    doc_["accessors"].push_back(a);
    return static_cast<int>(doc_["accessors"].size()) - 1;
  }

  const std::string& bytes() const { return bin_; }

 private:
  json& doc_;
  std::string bin_;
};

json MinMax(const std::vector<geom::Vec3f>& positions) {
  geom::Bounds3f b;
  for (const geom::Vec3f& p : positions) b.Extend(p);
  return {{"min", {b.lo.x, b.lo.y, b.lo.z}}, {"max", {b.hi.x, b.hi.y, b.hi.z}}};
}

json Flatten(const geom::Mat4f& m) {
  json out = json::array();
  for (const auto& column : m.m) {
    for (float v : column) out.push_back(v);
  }
  return out;
}

// glTF's texture coordinates start at the top of the image; the mesh's at the bottom.
std::vector<geom::Vec2f> GltfUvs(const std::vector<geom::Vec2f>& uvs) {
  std::vector<geom::Vec2f> out = uvs;
  for (geom::Vec2f& uv : out) uv.y = 1.0f - uv.y;
  return out;
}

void AppendPng(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                             static_cast<size_t>(size));
}

// The material: the albedo texture when there is one, else the base colour (vertex colours, when
// present, multiply it, as glTF defines COLOR_0).
json Material(const geom::Mesh& mesh, Buffer& buffer, json& doc) {
  json pbr = {{"metallicFactor", 0.0}, {"roughnessFactor", 0.8}};
  if (!mesh.albedo.empty() && !mesh.uvs.empty()) {
    std::string png;
    stbi_write_png_to_func(AppendPng, &png, mesh.albedo.width, mesh.albedo.height, 4,
                           mesh.albedo.rgba.data(), mesh.albedo.width * 4);
    doc["images"] = {
        {{"bufferView", buffer.View(png.data(), png.size(), 0)}, {"mimeType", "image/png"}}};
    doc["samplers"] = {{{"magFilter", 9729}, {"minFilter", 9987}}};
    doc["textures"] = {{{"source", 0}, {"sampler", 0}}};
    pbr["baseColorTexture"] = {{"index", 0}};
  } else if (mesh.colors.empty()) {
    pbr["baseColorFactor"] = {mesh.base_color.x, mesh.base_color.y, mesh.base_color.z, 1.0};
  }
  return {{"name", "albedo"}, {"pbrMetallicRoughness", pbr}};
}

// Joint nodes (indices 1 … bones) with local transforms, and the skin over them.
void Skeleton(const geom::Mesh& mesh, Buffer& buffer, json& doc, json& attributes) {
  const std::vector<geom::Bone>& bones = mesh.skeleton->bones;
  std::vector<geom::Mat4f> bind;
  bind.reserve(bones.size());
  for (const geom::Bone& bone : bones) bind.push_back(bone.bind_pose);
  json joints = json::array();
  for (size_t b = 0; b < bones.size(); ++b) {
    doc["nodes"].push_back(
        {{"name", bones[b].name}, {"matrix", Flatten(internal::LocalFrame(bones, bind, b))}});
    if (bones[b].parent >= 0) {
      doc["nodes"][static_cast<size_t>(bones[b].parent) + 1]["children"].push_back(b + 1);
    } else {
      doc["scenes"][0]["nodes"].push_back(b + 1);
    }
    joints.push_back(b + 1);
  }
  doc["skins"] = {
      {{"joints", joints},
       {"inverseBindMatrices",
        buffer.Accessor(internal::InverseBindMatrices(*mesh.skeleton), kFloat, "MAT4", 0)}}};
  doc["nodes"][0]["skin"] = 0;
  attributes["JOINTS_0"] = buffer.Accessor(mesh.skin.joints, kUnsignedShort, "VEC4", kArrayBuffer);
  attributes["WEIGHTS_0"] = buffer.Accessor(mesh.skin.weights, kFloat, "VEC4", kArrayBuffer);
}

json Document(const geom::Mesh& mesh, const GltfOptions& options, Buffer& buffer, json& doc) {
  doc["asset"] = {{"version", "2.0"}, {"generator", options.generator}};
  doc["scene"] = 0;
  doc["scenes"] = {{{"nodes", {0}}}};
  doc["nodes"] = {{{"name", options.name}, {"mesh", 0}}};
  json attributes = {{"POSITION", buffer.Accessor(mesh.positions, kFloat, "VEC3", kArrayBuffer,
                                                  MinMax(mesh.positions))}};
  if (!mesh.normals.empty()) {
    attributes["NORMAL"] = buffer.Accessor(mesh.normals, kFloat, "VEC3", kArrayBuffer);
  }
  if (!mesh.uvs.empty()) {
    attributes["TEXCOORD_0"] = buffer.Accessor(GltfUvs(mesh.uvs), kFloat, "VEC2", kArrayBuffer);
  }
  if (!mesh.colors.empty()) {
    attributes["COLOR_0"] = buffer.Accessor(mesh.colors, kFloat, "VEC3", kArrayBuffer);
  }
  if (mesh.skeleton && !mesh.skeleton->bones.empty() && !mesh.skin.joints.empty()) {
    Skeleton(mesh, buffer, doc, attributes);
  }
  const int indices = buffer.Accessor(mesh.indices, kUnsignedInt, "SCALAR", kElementArrayBuffer);
  doc["materials"] = {Material(mesh, buffer, doc)};
  doc["meshes"] = {
      {{"name", options.name},
       {"primitives", {{{"attributes", attributes}, {"indices", indices}, {"material", 0}}}}}};
  doc["buffers"] = {{{"byteLength", buffer.bytes().size()}}};
  return doc;
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// GLB container: 12-byte header, the JSON chunk padded with spaces, the BIN chunk with zeros.
std::string Container(std::string json_text, std::string bin) {
  while (json_text.size() % 4 != 0) json_text.push_back(' ');
  while (bin.size() % 4 != 0) bin.push_back('\0');
  std::string out;
  PutU32(out, kGlbMagic);
  PutU32(out, 2);
  PutU32(out, static_cast<uint32_t>(12 + 8 + json_text.size() + 8 + bin.size()));
  PutU32(out, static_cast<uint32_t>(json_text.size()));
  PutU32(out, kChunkJson);
  out += json_text;
  PutU32(out, static_cast<uint32_t>(bin.size()));
  PutU32(out, kChunkBin);
  out += bin;
  return out;
}

}  // namespace

Result<std::string> EncodeGlb(const geom::Mesh& mesh, const GltfOptions& options) {
  FIGURANT_RETURN_IF_ERROR(mesh.Validate());
  if (mesh.positions.empty() || mesh.indices.empty()) {
    return InvalidArgument("glTF export: the mesh has no triangles");
  }
  json doc = json::object();
  Buffer buffer(doc);
  Document(mesh, options, buffer, doc);
  const std::string text = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  const size_t total = 28 + text.size() + buffer.bytes().size() + 8;
  if (total > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgument("glTF export: the mesh needs " + std::to_string(total) +
                           " bytes, more than a .glb can hold (4 GiB)");
  }
  return Container(text, buffer.bytes());
}

}  // namespace figurant::interchange
