// Mesh import through Assimp (Open Asset Import Library): OBJ/MTL, PLY, glTF/GLB, FBX, Collada.
// Textures are decoded with stb_image (Debian libstb). Exceptions from Assimp stop here.
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <stb/stb_image.h>

#include <algorithm>
#include <assimp/Importer.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <vector>

#include "core/crypto.h"
#include "core/file.h"
#include "scan/internal/bounded_io.h"
#include "scan/internal/finish.h"
#include "scan/internal/isolate.h"
#include "scan/scan.h"

// Debian's Assimp is built with ASSIMP_BUILD_DEBUG, so its internal consistency checks call
// Assimp::aiAssertViolation, which prints and aborts the process — on malformed input, that would
// be a crash. This definition interposes the library's (ELF symbol interposition: the executable's
// definition wins) and throws instead; the importer's own exception guard turns it into a failed
// read with a message, which the scan module reports as a clear error.
namespace Assimp {

[[noreturn]] void aiAssertViolation(const char* failed_expression, const char* file, int line) {
  throw std::runtime_error(std::string("malformed input (Assimp check '") + failed_expression +
                           "' failed at " + file + ":" + std::to_string(line) + ")");
}

}  // namespace Assimp

namespace figurant::scan {
namespace {

namespace fs = std::filesystem;
using geom::Mat4f;
using geom::Vec3f;

constexpr unsigned kPostProcess = aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                                  aiProcess_SortByPType | aiProcess_LimitBoneWeights |
                                  aiProcess_ValidateDataStructure;
// Set geometry needs no bone weights.
constexpr unsigned kGeometryPostProcess = aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                                          aiProcess_SortByPType | aiProcess_ValidateDataStructure;
constexpr int kMaxTextureSide = 8192;

Mat4f ToMat(const aiMatrix4x4& a) {
  Mat4f m;  // Assimp is row-major (a.a4 is the x translation); ours is column-major.
  const float r[4][4] = {{a.a1, a.a2, a.a3, a.a4},
                         {a.b1, a.b2, a.b3, a.b4},
                         {a.c1, a.c2, a.c3, a.c4},
                         {a.d1, a.d2, a.d3, a.d4}};
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 4; ++col) m.m[col][row] = r[row][col];
  }
  return m;
}

float SrgbToLinear(float c) {
  return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

struct Image {
  int w = 0, h = 0;
  std::vector<uint8_t> rgba;
  bool empty() const { return w == 0; }
  Vec3f Sample(float u, float v) const {  // nearest texel, wrapping, linear colour
    if (empty()) return {1, 1, 1};
    u -= std::floor(u);
    v -= std::floor(v);
    const int x = std::clamp(static_cast<int>(u * static_cast<float>(w)), 0, w - 1);
    const int y = std::clamp(static_cast<int>((1 - v) * static_cast<float>(h)), 0, h - 1);
    const uint8_t* p =
        &rgba[(static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)) * 4];
    return {SrgbToLinear(p[0] / 255.0f), SrgbToLinear(p[1] / 255.0f), SrgbToLinear(p[2] / 255.0f)};
  }
};

std::optional<Image> Decode(const uint8_t* data, size_t size) {
  int w = 0, h = 0, comp = 0;
  if (size > static_cast<size_t>(INT32_MAX)) return std::nullopt;
  if (!stbi_info_from_memory(data, static_cast<int>(size), &w, &h, &comp) || w <= 0 || h <= 0 ||
      w > kMaxTextureSide || h > kMaxTextureSide) {
    return std::nullopt;
  }
  stbi_uc* px = stbi_load_from_memory(data, static_cast<int>(size), &w, &h, &comp, 4);
  if (px == nullptr) return std::nullopt;
  Image img;
  img.w = w;
  img.h = h;
  img.rgba.assign(px, px + static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
  stbi_image_free(px);
  return img;
}

struct Loader {
  const aiScene* scene;
  fs::path base_dir;  // directory of the model file, for external textures; empty in memory
  std::string name;
  internal::RawScan raw;
  std::map<std::string, std::optional<Image>> textures;  // by path
  std::map<std::string, int> bone_index;                 // node name → skeleton index
  std::vector<const aiNode*> bone_nodes;

  std::optional<Image> LoadTexture(const std::string& path) {
    if (auto it = textures.find(path); it != textures.end()) return it->second;
    std::optional<Image> img;
    if (const aiTexture* t = scene->GetEmbeddedTexture(path.c_str()); t != nullptr) {
      if (t->mHeight == 0) {
        img = Decode(reinterpret_cast<const uint8_t*>(t->pcData), t->mWidth);
      } else if (t->mWidth <= kMaxTextureSide && t->mHeight <= kMaxTextureSide) {
        Image raw_img;
        raw_img.w = static_cast<int>(t->mWidth);
        raw_img.h = static_cast<int>(t->mHeight);
        for (size_t i = 0; i < static_cast<size_t>(t->mWidth) * t->mHeight; ++i) {
          raw_img.rgba.insert(raw_img.rgba.end(),
                              {t->pcData[i].r, t->pcData[i].g, t->pcData[i].b, t->pcData[i].a});
        }
        img = std::move(raw_img);
      }
      if (!img) raw.warnings.push_back(name + ": embedded texture " + path + " cannot be decoded");
    } else if (!base_dir.empty()) {
      fs::path p = fs::path(path).is_absolute() ? fs::path(path) : base_dir / path;
      auto bytes = ReadUserFile(p, kTextureFile);
      if (!bytes.ok()) {
        raw.warnings.push_back(name + ": texture " +
                               (bytes.status().code() == StatusCode::kNotFound
                                    ? p.string() + " is missing"
                                    : bytes.status().message()) +
                               "; using the material colour");
      } else {
        img = Decode(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
        SecureZero(bytes->data(), bytes->size());
        if (!img) raw.warnings.push_back(name + ": texture " + p.string() + " cannot be decoded");
      }
    } else {
      raw.warnings.push_back(name + ": texture " + path + " is not available in memory imports");
    }
    textures[path] = img;
    return img;
  }

  // Collects every node that is a bone of some mesh, plus their ancestors up to the topmost bone,
  // parents before children.
  void CollectSkeleton() {
    std::set<std::string> names;
    for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
      const aiMesh* mesh = scene->mMeshes[i];
      for (unsigned b = 0; b < mesh->mNumBones; ++b) names.insert(mesh->mBones[b]->mName.C_Str());
    }
    if (names.empty()) return;
    // Add ancestors of bones that are themselves below another bone (fills gaps in the chain).
    std::set<const aiNode*> keep;
    std::function<bool(const aiNode*)> mark = [&](const aiNode* n) {
      bool any = names.contains(n->mName.C_Str());
      for (unsigned c = 0; c < n->mNumChildren; ++c) any = mark(n->mChildren[c]) || any;
      if (any && names.contains(n->mName.C_Str())) keep.insert(n);
      return any;
    };
    mark(scene->mRootNode);
    geom::Skeleton sk;
    std::function<void(const aiNode*, int, const Mat4f&)> walk = [&](const aiNode* n, int parent,
                                                                     const Mat4f& global_parent) {
      const Mat4f global = global_parent * ToMat(n->mTransformation);
      int me = parent;
      if (keep.contains(n)) {
        me = static_cast<int>(sk.bones.size());
        bone_index[n->mName.C_Str()] = me;
        sk.bones.push_back({n->mName.C_Str(), parent, global});
      }
      for (unsigned c = 0; c < n->mNumChildren; ++c) walk(n->mChildren[c], me, global);
    };
    walk(scene->mRootNode, -1, Mat4f::Identity());
    if (!sk.bones.empty()) raw.mesh.skeleton = std::move(sk);
  }

  void AddMesh(const aiMesh* src, const Mat4f& global) {
    if (!(src->mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) return;
    geom::Mesh& m = raw.mesh;
    const auto base = static_cast<uint32_t>(m.positions.size());
    const aiMaterial* mat = scene->mMaterials[src->mMaterialIndex];
    aiColor4D diffuse(0.6f, 0.6f, 0.6f, 1.0f);
    mat->Get(AI_MATKEY_COLOR_DIFFUSE, diffuse);
    std::optional<Image> tex;
    aiString tex_path;
    if ((mat->GetTexture(aiTextureType_DIFFUSE, 0, &tex_path) == AI_SUCCESS ||
         mat->GetTexture(aiTextureType_BASE_COLOR, 0, &tex_path) == AI_SUCCESS) &&
        tex_path.length > 0) {
      tex = LoadTexture(tex_path.C_Str());
    }
    const Vec3f base_color{diffuse.r, diffuse.g, diffuse.b};
    const Mat4f normal_xform = global;  // rigid or uniformly scaled node transforms
    for (unsigned v = 0; v < src->mNumVertices; ++v) {
      const aiVector3D& p = src->mVertices[v];
      m.positions.push_back(global.TransformPoint({p.x, p.y, p.z}));
      Vec3f color = base_color;
      if (src->HasVertexColors(0)) {
        const aiColor4D& c = src->mColors[0][v];
        color = {SrgbToLinear(c.r), SrgbToLinear(c.g), SrgbToLinear(c.b)};
      } else if (tex && src->HasTextureCoords(0)) {
        const aiVector3D& uv = src->mTextureCoords[0][v];
        color = tex->Sample(uv.x, uv.y) * base_color;
      }
      m.colors.push_back(color);
      if (src->HasNormals()) {
        const aiVector3D& n = src->mNormals[v];
        m.normals.push_back(geom::Normalize(normal_xform.TransformVector({n.x, n.y, n.z})));
      }
      if (m.skeleton) {
        m.skin.joints.push_back({0, 0, 0, 0});
        m.skin.weights.push_back({0, 0, 0, 0});
      }
    }
    if (!src->HasNormals()) normals_complete = false;
    for (unsigned f = 0; f < src->mNumFaces; ++f) {
      const aiFace& face = src->mFaces[f];
      if (face.mNumIndices != 3) continue;
      for (int k = 0; k < 3; ++k) m.indices.push_back(base + face.mIndices[k]);
    }
    if (m.skeleton) {
      for (unsigned b = 0; b < src->mNumBones; ++b) {
        const aiBone* bone = src->mBones[b];
        const auto it = bone_index.find(bone->mName.C_Str());
        if (it == bone_index.end()) continue;
        for (unsigned w = 0; w < bone->mNumWeights; ++w) {
          const aiVertexWeight& vw = bone->mWeights[w];
          if (vw.mVertexId >= src->mNumVertices) continue;
          auto& joints = m.skin.joints[base + vw.mVertexId];
          auto& weights = m.skin.weights[base + vw.mVertexId];
          // Keep the four strongest influences.
          int weakest = 0;
          for (int k = 1; k < geom::kMaxInfluences; ++k) {
            if (weights[k] < weights[weakest]) weakest = k;
          }
          if (vw.mWeight > weights[weakest]) {
            weights[weakest] = vw.mWeight;
            joints[weakest] = static_cast<uint16_t>(it->second);
          }
        }
      }
    }
  }

  void Walk(const aiNode* node, const Mat4f& parent) {
    const Mat4f global = parent * ToMat(node->mTransformation);
    for (unsigned i = 0; i < node->mNumMeshes; ++i) {
      if (node->mMeshes[i] < scene->mNumMeshes) AddMesh(scene->mMeshes[node->mMeshes[i]], global);
    }
    for (unsigned c = 0; c < node->mNumChildren; ++c) Walk(node->mChildren[c], global);
  }

  bool normals_complete = true;
};

// Child → parent transfer of a RawScan: u32 count + (u32 length, bytes) per warning, u32 length +
// source hash, then the mesh as a double asset (geom/mesh_codec.h), which the parent's decoder
// checks like any untrusted input.
std::string SerializeRaw(const internal::RawScan& raw) {
  std::string out;
  auto put32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put32(static_cast<uint32_t>(raw.warnings.size()));
  for (const std::string& w : raw.warnings) {
    put32(static_cast<uint32_t>(w.size()));
    out += w;
  }
  put32(static_cast<uint32_t>(raw.sha256.size()));
  out += raw.sha256;
  geom::DoubleAsset asset;
  asset.mesh = raw.mesh;
  out += geom::EncodeDoubleAsset(asset);
  return out;
}

Result<internal::RawScan> DeserializeRaw(std::string_view in, const std::string& name) {
  auto bad = [&] { return InvalidArgument(name + ": the mesh importer returned malformed data"); };
  auto get32 = [&](uint32_t& v) {
    if (in.size() < 4) return false;
    std::memcpy(&v, in.data(), 4);
    in.remove_prefix(4);
    return true;
  };
  internal::RawScan raw;
  uint32_t n = 0;
  if (!get32(n) || n > 10000) return bad();
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len = 0;
    if (!get32(len) || len > in.size()) return bad();
    raw.warnings.emplace_back(in.substr(0, len));
    in.remove_prefix(len);
  }
  uint32_t len = 0;
  if (!get32(len) || len > in.size()) return bad();
  raw.sha256 = std::string(in.substr(0, len));
  in.remove_prefix(len);
  auto asset = geom::DecodeDoubleAsset(in);
  if (!asset.ok()) return InvalidArgument(name + ": " + asset.status().message());
  raw.mesh = std::move(asset->mesh);
  return raw;
}

// Runs in the isolated child: the parsed scene as a RawScan, serialised for the parent. `refused`:
// side files the scan names that were refused (internal::BoundedIOSystem), reported as warnings.
Result<std::string> FromScene(const aiScene* scene, const fs::path& base_dir,
                              const std::string& name, std::string sha256,
                              const std::vector<std::string>& refused) {
  if (scene == nullptr || scene->mRootNode == nullptr || scene->mNumMeshes == 0) {
    return InvalidArgument(name + ": the file holds no meshes");
  }
  Loader l{scene, base_dir, name, {}, {}, {}, {}};
  l.raw.sha256 = std::move(sha256);
  for (const std::string& why : refused) l.raw.warnings.push_back(why + "; ignored");
  l.CollectSkeleton();
  l.Walk(scene->mRootNode, Mat4f::Identity());
  if (!l.normals_complete) l.raw.mesh.normals.clear();
  geom::Mesh& m = l.raw.mesh;
  // Normalise skin weights; vertices no bone touches follow the root.
  for (size_t v = 0; v < m.skin.weights.size(); ++v) {
    float sum = 0;
    for (float w : m.skin.weights[v]) sum += w;
    if (sum > 0) {
      for (float& w : m.skin.weights[v]) w /= sum;
    } else {
      m.skin.weights[v] = {1, 0, 0, 0};
      m.skin.joints[v] = {0, 0, 0, 0};
    }
  }
  if (Status valid = m.Validate(); !valid.ok())
    return InvalidArgument(name + ": " + valid.message());
  return SerializeRaw(l.raw);
}

// A PLY file must end its header (see below), and PLY headers declare element counts that Assimp
// trusts when it allocates, so a 100-byte file can ask for tens of gigabytes. Refuse counts the
// file is too small to hold (each element takes at least one byte per property even in ASCII). Only
// the header's "element" and "property" lines are read; the format itself is parsed by Assimp.
Status CheckPlyHeader(std::string_view bytes, const std::string& name) {
  // Checked wherever a PLY header appears: Assimp finds PLY content by sniffing, not only at
  // offset 0.
  const size_t end = bytes.find("end_header");
  if (end == std::string_view::npos) {
    // Assimp's PLY reader loops forever on a header without end_header (the fuzzer found it);
    // it only parses data that starts with the "ply" magic, so refuse exactly those here.
    const size_t start = bytes.find_first_not_of(" \t\r\n");
    if (start != std::string_view::npos && bytes.substr(start, 3) == "ply") {
      return InvalidArgument(name +
                             ": the PLY header has no end_header line (truncated or corrupt)");
    }
    return Status::Ok();  // not PLY: Assimp's other readers decide
  }
  uint64_t needed = 0, count = 0, properties = 0;
  auto close_element = [&] {
    needed += count * std::max<uint64_t>(properties, 1);
    count = properties = 0;
  };
  size_t pos = 0;
  while (pos < end) {
    size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos || nl > end) nl = end;
    const std::string_view line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.rfind("element ", 0) == 0) {
      close_element();
      const auto sp = line.rfind(' ');
      const std::string_view num = line.substr(sp + 1);
      // Assimp reads the leading digits of a malformed count ("400000perty"), so do the same.
      if (std::from_chars(num.data(), num.data() + num.size(), count).ec != std::errc()) count = 0;
    } else if (line.rfind("property ", 0) == 0) {
      ++properties;
    }
  }
  close_element();
  const uint64_t body = bytes.size() - end;
  if (needed > body) {
    return InvalidArgument(name + ": the PLY header declares " + std::to_string(needed) +
                           " values but the file holds only " + std::to_string(body) +
                           " bytes after it (truncated or corrupt)");
  }
  return Status::Ok();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Triangles only, every node's transform applied (ImportGeometry).
void WalkGeometry(const aiScene& scene, const aiNode& node, const Mat4f& parent, geom::Mesh& out) {
  const Mat4f global = parent * ToMat(node.mTransformation);
  for (unsigned i = 0; i < node.mNumMeshes; ++i) {
    if (node.mMeshes[i] >= scene.mNumMeshes) continue;
    const aiMesh& src = *scene.mMeshes[node.mMeshes[i]];
    if (!(src.mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;  // points and lines
    const auto base = static_cast<uint32_t>(out.positions.size());
    for (unsigned v = 0; v < src.mNumVertices; ++v) {
      const aiVector3D& p = src.mVertices[v];
      out.positions.push_back(global.TransformPoint({p.x, p.y, p.z}));
    }
    for (unsigned f = 0; f < src.mNumFaces; ++f) {
      const aiFace& face = src.mFaces[f];
      if (face.mNumIndices != 3) continue;
      for (int k = 0; k < 3; ++k) out.indices.push_back(base + face.mIndices[k]);
    }
  }
  for (unsigned c = 0; c < node.mNumChildren; ++c) {
    WalkGeometry(scene, *node.mChildren[c], global, out);
  }
}

// Runs in the isolated child: the scene's triangles as a double asset (ImportGeometry).
Result<std::string> GeometryFromScene(const aiScene* scene, const std::string& name,
                                      size_t max_triangles) {
  if (scene->mRootNode == nullptr || scene->mNumMeshes == 0) {
    return InvalidArgument(name + ": the file holds no meshes");
  }
  geom::DoubleAsset asset;
  WalkGeometry(*scene, *scene->mRootNode, Mat4f::Identity(), asset.mesh);
  if (asset.mesh.triangle_count() > max_triangles) {
    return InvalidArgument(name + ": " + std::to_string(asset.mesh.triangle_count()) +
                           " triangles is over the limit of " + std::to_string(max_triangles) +
                           " (decimate it first)");
  }
  return geom::EncodeDoubleAsset(asset);
}

// Refuses what must not reach Assimp: no bytes, or a PLY header it would mishandle.
Status CheckMeshBytes(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) return InvalidArgument(name + ": the file is empty");
  return CheckPlyHeader(bytes, name);
}

// The bytes of a mesh file (a regular file within kMeshFile), checked by CheckMeshBytes; NotFound
// naming it when it does not exist. Called in the importer child only (see CheckMeshFile for the
// parent).
Result<std::string> ReadMeshFile(const fs::path& path) {
  const std::string name = path.string();
  auto bytes = ReadUserFile(path, kMeshFile);
  if (!bytes.ok()) {
    return bytes.status().code() == StatusCode::kNotFound
               ? Status(NotFound(name + ": no such file"))
               : bytes.status();
  }
  FIGURANT_RETURN_IF_ERROR(CheckMeshBytes(*bytes, name));
  return std::move(bytes).value();
}

// What is cheap to check about a mesh file without reading it, in the parent before an importer
// is forked: it exists (NotFound naming it), is a regular file within kMeshFile (UserFile::Open)
// and is not empty.
Status CheckMeshFile(const fs::path& path) {
  const std::string name = path.string();
  auto file = UserFile::Open(path, kMeshFile);
  if (!file.ok()) {
    return file.status().code() == StatusCode::kNotFound ? Status(NotFound(name + ": no such file"))
                                                         : file.status();
  }
  if (file->size() == 0) return InvalidArgument(name + ": the file is empty");
  return Status::Ok();
}

// Assimp in the isolated child: `read` opens the scene with the child's importer (nullptr when it
// cannot, or the Status of a check made first), `convert` turns the scene into the bytes the child
// sends back, given the side files that were refused. `name` names the input in every message.
// Every file the importer opens goes through internal::BoundedIOSystem.
using SceneReader = std::function<Result<const aiScene*>(Assimp::Importer&)>;
using SceneConverter =
    std::function<Result<std::string>(const aiScene*, const std::vector<std::string>& refused)>;

Result<std::string> ReadSceneIsolated(const std::string& name, int timeout_seconds,
                                      const SceneReader& read, const SceneConverter& convert) {
  internal::IsolationLimits limits;
  limits.timeout_seconds = timeout_seconds;
  return internal::RunIsolated(
      [&]() -> Result<std::string> {
        Assimp::Importer importer;
        auto io = std::make_unique<internal::BoundedIOSystem>(kMeshFile);
        const internal::BoundedIOSystem& files = *io;
        importer.SetIOHandler(io.release());  // the importer owns and deletes it
        FIGURANT_ASSIGN_OR_RETURN(const aiScene* scene, read(importer));
        if (scene == nullptr) {
          std::string why = importer.GetErrorString();
          if (!files.refusals().empty()) why += "; " + files.refusals().front();
          return InvalidArgument(name + ": cannot read it as a mesh (" + why + ")");
        }
        return convert(scene, files.refusals());
      },
      name, limits);
}

}  // namespace

Result<ImportedScan> ImportFile(const fs::path& path, const ImportOptions& options) {
  const std::string name = path.string();
  FIGURANT_RETURN_IF_ERROR(CheckMeshFile(path));
  // The file is read whole (to check and hash it) in the importer child, never in the parent:
  // what the parent holds does not grow with the file.
  std::string sha;
  FIGURANT_ASSIGN_OR_RETURN(std::string transfer,
                            ReadSceneIsolated(
                                name, options.import_timeout_seconds,
                                [&](Assimp::Importer& importer) -> Result<const aiScene*> {
                                  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, ReadMeshFile(path));
                                  sha = Sha256Hex(bytes);
                                  SecureZero(bytes.data(), bytes.size());
                                  return importer.ReadFile(name, kPostProcess);
                                },
                                [&](const aiScene* scene, const std::vector<std::string>& refused) {
                                  return FromScene(scene, path.parent_path(), name, sha, refused);
                                }));
  FIGURANT_ASSIGN_OR_RETURN(internal::RawScan raw, DeserializeRaw(transfer, name));
  SecureZero(transfer.data(), transfer.size());
  return internal::Finish(std::move(raw), name, options);
}

Result<ImportedScan> ImportMemory(std::string_view bytes, std::string_view format_hint,
                                  std::string_view name, const ImportOptions& options) {
  const std::string n(name);
  FIGURANT_RETURN_IF_ERROR(CheckMeshBytes(bytes, n));
  const std::string hint = Lower(std::string(format_hint));
  FIGURANT_ASSIGN_OR_RETURN(std::string transfer,
                            ReadSceneIsolated(
                                n, options.import_timeout_seconds,
                                [&](Assimp::Importer& importer) {
                                  return importer.ReadFileFromMemory(bytes.data(), bytes.size(),
                                                                     kPostProcess, hint.c_str());
                                },
                                [&](const aiScene* scene, const std::vector<std::string>& refused) {
                                  return FromScene(scene, {}, n, Sha256Hex(bytes), refused);
                                }));
  FIGURANT_ASSIGN_OR_RETURN(internal::RawScan raw, DeserializeRaw(transfer, n));
  return internal::Finish(std::move(raw), n, options);
}

std::string_view UnitsName(Units u) {
  switch (u) {
    case Units::kAuto:
      return "auto";
    case Units::kMetres:
      return "m";
    case Units::kDecimetres:
      return "dm";
    case Units::kCentimetres:
      return "cm";
    case Units::kMillimetres:
      return "mm";
    case Units::kInches:
      return "in";
  }
  return "auto";
}

std::optional<Units> ParseUnits(std::string_view s) {
  for (Units u : {Units::kAuto, Units::kMetres, Units::kDecimetres, Units::kCentimetres,
                  Units::kMillimetres, Units::kInches}) {
    if (UnitsName(u) == s) return u;
  }
  return std::nullopt;
}

double MetresPer(Units u) {
  switch (u) {
    case Units::kDecimetres:
      return 0.1;
    case Units::kCentimetres:
      return 0.01;
    case Units::kMillimetres:
      return 0.001;
    case Units::kInches:
      return 0.0254;
    default:
      return 1.0;
  }
}

Result<geom::Mesh> ImportGeometry(const fs::path& path, size_t max_triangles, int timeout_seconds) {
  const std::string name = path.string();
  FIGURANT_RETURN_IF_ERROR(CheckMeshFile(path));
  // The file is checked whole in the child, as in ImportFile. The child sends the triangles as a
  // double asset, whose decoder the parent runs like on any untrusted bytes.
  FIGURANT_ASSIGN_OR_RETURN(std::string transfer,
                            ReadSceneIsolated(
                                name, timeout_seconds,
                                [&](Assimp::Importer& importer) -> Result<const aiScene*> {
                                  FIGURANT_RETURN_IF_ERROR(ReadMeshFile(path).status());
                                  return importer.ReadFile(name, kGeometryPostProcess);
                                },
                                [&](const aiScene* scene, const std::vector<std::string>&) {
                                  return GeometryFromScene(scene, name, max_triangles);
                                }));
  auto asset = geom::DecodeDoubleAsset(transfer);
  if (!asset.ok()) {
    return InvalidArgument(name + ": the mesh importer returned malformed data (" +
                           asset.status().message() + ")");
  }
  if (asset->mesh.triangle_count() == 0) {
    return InvalidArgument(name + ": the file holds no triangles");
  }
  return std::move(asset->mesh);
}

}  // namespace figurant::scan
