// MakeHuman's skeleton, weights and posing; see makehuman.h for the conventions and sources.
#include "anim/makehuman.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/json_input.h"

namespace figurant::anim {
namespace {

namespace fs = std::filesystem;
using geom::Mat4f;
using geom::Vec3f;
using nlohmann::json;

// MakeHuman's canonical joint name: lower case, ' ' and '-' as '_' (bvh.py).
std::string Canonical(std::string_view name) {
  std::string s(name);
  for (char& c : s) {
    if (c == ' ' || c == '-') c = '_';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

Result<Vec3f> JointPosition(const fs::path& file, const json& joints, const std::string& joint,
                            std::span<const Vec3f> positions) {
  const auto it = joints.find(joint);
  if (it == joints.end() || !it->is_array() || it->empty()) {
    return InvalidArgument(file.string() + ": joint '" + joint + "' is missing or has no vertices");
  }
  Vec3f sum;
  for (const json& v : *it) {
    if (!v.is_number_unsigned() || v.get<size_t>() >= positions.size()) {
      return InvalidArgument(file.string() + ": joint '" + joint + "': vertex " + JsonExcerpt(v) +
                             " is not an index into the " + std::to_string(positions.size()) +
                             "-vertex base mesh");
    }
    sum += positions[v.get<size_t>()];
  }
  return sum / static_cast<float>(it->size());
}

// MakeHuman's getMatrix: +Y along the bone, +X towards `normal` made perpendicular to it.
Mat4f RestFrame(const Vec3f& head, const Vec3f& tail, Vec3f normal) {
  Vec3f y = tail - head;
  y = geom::Length(y) > 0 ? geom::Normalize(y) : Vec3f{0, 1, 0};
  Vec3f z = geom::Cross(normal, y);
  if (geom::Length(z) < 1e-6f) {  // normal along the bone: any perpendicular will do
    normal = std::fabs(y.z) < 0.9f ? Vec3f{0, 0, 1} : Vec3f{1, 0, 0};
    z = geom::Cross(normal, y);
  }
  z = geom::Normalize(z);
  const Vec3f x = geom::Normalize(geom::Cross(y, z));
  Mat4f m;
  m.m[0] = {x.x, x.y, x.z, 0};
  m.m[1] = {y.x, y.y, y.z, 0};
  m.m[2] = {z.x, z.y, z.z, 0};
  m.m[3] = {head.x, head.y, head.z, 1};
  return m;
}

Mat4f RotationOnly(const Mat4f& m) {
  Mat4f r = m;
  r.m[3] = {0, 0, 0, 1};
  return r;
}

// A joint of MakeHuman 1.0's soft1 rig and the default-skeleton bone it drives. The directions
// (joint → `source_to`, bone head → head of `target_to`) say how the two rest poses differ; empty
// means the rest poses agree there (root, pelvis, spine, head).
struct Retarget {
  const char* source;
  const char* source_to;
  const char* target;
  const char* target_to;
};

constexpr Retarget kSoft1[] = {
    {"Root", "", "root", ""},
    {"Hips", "", "pelvis.L", ""},
    {"Hips", "", "pelvis.R", ""},
    {"Spine1", "", "spine05", ""},
    {"Spine2", "", "spine03", ""},
    {"Spine3", "", "spine02", ""},
    {"Neck", "", "neck01", ""},
    {"Head", "", "head", ""},
    {"Clavicle_L", "UpArm_L", "clavicle.L", "upperarm01.L"},
    {"UpArm_L", "LoArm_L", "upperarm01.L", "lowerarm01.L"},
    {"LoArm_L", "Hand_L", "lowerarm01.L", "wrist.L"},
    {"Hand_L", "Middle1_L", "wrist.L", "finger3-1.L"},
    {"Clavicle_R", "UpArm_R", "clavicle.R", "upperarm01.R"},
    {"UpArm_R", "LoArm_R", "upperarm01.R", "lowerarm01.R"},
    {"LoArm_R", "Hand_R", "lowerarm01.R", "wrist.R"},
    {"Hand_R", "Middle1_R", "wrist.R", "finger3-1.R"},
    {"UpLeg_L", "LoLeg_L", "upperleg01.L", "lowerleg01.L"},
    {"LoLeg_L", "Foot_L", "lowerleg01.L", "foot.L"},
    {"Foot_L", "Toe_L", "foot.L", "toe3-1.L"},
    {"UpLeg_R", "LoLeg_R", "upperleg01.R", "lowerleg01.R"},
    {"LoLeg_R", "Foot_R", "lowerleg01.R", "foot.R"},
    {"Foot_R", "Toe_R", "foot.R", "toe3-1.R"},
};

// Fills unset bones (nullopt) with their parent's rotation: they follow it rigidly.
MhPose Complete(const MhSkeleton& sk, const std::vector<std::optional<Mat4f>>& set) {
  MhPose pose;
  pose.rotation.resize(sk.bones.size());
  for (size_t b = 0; b < sk.bones.size(); ++b) {
    if (set[b]) {
      pose.rotation[b] = *set[b];
    } else if (sk.bones[b].parent >= 0) {
      pose.rotation[b] = pose.rotation[static_cast<size_t>(sk.bones[b].parent)];
    }
  }
  return pose;
}

}  // namespace

int MhSkeleton::Find(std::string_view name) const {
  for (size_t i = 0; i < bones.size(); ++i) {
    if (bones[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<MhSkeleton> LoadMhSkeleton(const fs::path& file, std::span<const Vec3f> positions) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, ReadJsonFile(file, kMakeHumanDataFile));
  const std::string name = file.string();
  if (!doc.is_object() || !doc.contains("bones") || !doc["bones"].is_object() ||
      !doc.contains("joints") || !doc["joints"].is_object()) {
    return InvalidArgument(name +
                           ": not a MakeHuman skeleton: expected objects 'bones' and "
                           "'joints'");
  }
  const json& bones = doc["bones"];
  const json& joints = doc["joints"];
  const json planes = doc.value("planes", json::object());

  // Breadth-first from the roots, children in name order (bones is a sorted map).
  std::map<std::string, std::vector<std::string>> children;
  std::vector<std::string> order;
  for (const auto& [bone, def] : bones.items()) {
    if (!def.is_object()) return InvalidArgument(name + ": bone '" + bone + "' is not an object");
    const json parent = def.value("parent", json());
    if (parent.is_null()) {
      order.push_back(bone);
    } else if (!parent.is_string() || !bones.contains(parent.get<std::string>())) {
      return InvalidArgument(name + ": bone '" + bone + "': parent " + JsonExcerpt(parent) +
                             " is not a bone of this skeleton");
    } else {
      children[parent.get<std::string>()].push_back(bone);
    }
  }
  if (order.empty()) return InvalidArgument(name + ": no root bone (one without a parent)");
  for (size_t i = 0; i < order.size(); ++i) {
    for (const std::string& c : children[order[i]]) order.push_back(c);
  }
  if (order.size() != bones.size()) {
    return InvalidArgument(name + ": the bone hierarchy has a cycle");
  }

  MhSkeleton sk;
  sk.bones.reserve(order.size());
  std::map<std::string, int> index_of;
  for (const std::string& bone : order) {
    const json& def = bones[bone];
    const json head_j = def.value("head", json()), tail_j = def.value("tail", json());
    if (!head_j.is_string() || !tail_j.is_string()) {
      return InvalidArgument(name + ": bone '" + bone + "': 'head' and 'tail' must name joints");
    }
    FIGURANT_ASSIGN_OR_RETURN(Vec3f head,
                              JointPosition(file, joints, head_j.get<std::string>(), positions));
    FIGURANT_ASSIGN_OR_RETURN(Vec3f tail,
                              JointPosition(file, joints, tail_j.get<std::string>(), positions));
    Vec3f normal{0, 1, 0};  // MakeHuman's default when a bone has no usable plane
    const json plane_name = def.value("rotation_plane", json());
    if (plane_name.is_string() && planes.contains(plane_name.get<std::string>())) {
      const json& plane = planes[plane_name.get<std::string>()];
      if (!plane.is_array() || plane.size() != 3 || !plane[0].is_string() ||
          !plane[1].is_string() || !plane[2].is_string()) {
        return InvalidArgument(name + ": plane '" + plane_name.get<std::string>() +
                               "' must list three joint names");
      }
      std::array<Vec3f, 3> p;
      for (size_t k = 0; k < 3; ++k) {
        FIGURANT_ASSIGN_OR_RETURN(
            p[k], JointPosition(file, joints, plane[k].get<std::string>(), positions));
      }
      const Vec3f n = geom::Cross(geom::Normalize(p[2] - p[1]), geom::Normalize(p[1] - p[0]));
      if (geom::Length(n) > 1e-5f) normal = geom::Normalize(n);
    }
    const json parent = def.value("parent", json());
    const int parent_index = parent.is_null() ? -1 : index_of.at(parent.get<std::string>());
    index_of[bone] = static_cast<int>(sk.bones.size());
    sk.bones.push_back({bone, parent_index, head, tail, RestFrame(head, tail, normal)});
  }
  return sk;
}

Result<MhWeights> LoadMhWeights(const fs::path& file, const MhSkeleton& skeleton,
                                size_t vertex_count) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, ReadJsonFile(file, kMakeHumanDataFile));
  const std::string name = file.string();
  if (!doc.is_object() || !doc.contains("weights") || !doc["weights"].is_object()) {
    return InvalidArgument(name + ": not a MakeHuman weights file: expected an object 'weights'");
  }
  MhWeights out;
  out.influences.resize(vertex_count);
  for (const auto& [bone, list] : doc["weights"].items()) {
    const int b = skeleton.Find(bone);
    if (b < 0) continue;
    if (!list.is_array()) return InvalidArgument(name + ": weights of '" + bone + "': not a list");
    for (const json& pair : list) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
          !pair[1].is_number() || pair[0].get<size_t>() >= vertex_count) {
        return InvalidArgument(name + ": weights of '" + bone + "': " + JsonExcerpt(pair) +
                               " is not [vertex < " + std::to_string(vertex_count) + ", weight]");
      }
      const auto w = pair[1].get<float>();
      if (w > 0 && std::isfinite(w)) {
        out.influences[pair[0].get<size_t>()].emplace_back(static_cast<uint16_t>(b), w);
      }
    }
  }
  for (auto& list : out.influences) {
    float sum = 0;
    for (const auto& [b, w] : list) sum += w;
    for (auto& [b, w] : list) w /= sum;
  }
  return out;
}

MhPose RestPose(const MhSkeleton& skeleton) {
  MhPose p;
  p.rotation.resize(skeleton.bones.size());
  return p;
}

MhPose StandingPose(const MhSkeleton& skeleton) {
  std::vector<std::optional<Mat4f>> set(skeleton.bones.size());
  for (const char* side : {"L", "R"}) {
    const float out = side[0] == 'L' ? 1.0f : -1.0f;  // +X is the body's left
    const int upper = skeleton.Find(std::string("upperarm01.") + side);
    const int lower = skeleton.Find(std::string("lowerarm01.") + side);
    const int wrist = skeleton.Find(std::string("wrist.") + side);
    if (upper < 0 || lower < 0 || wrist < 0) continue;
    const auto& bu = skeleton.bones[static_cast<size_t>(upper)];
    const auto& bl = skeleton.bones[static_cast<size_t>(lower)];
    const auto& bw = skeleton.bones[static_cast<size_t>(wrist)];
    // Upper arm hanging a little out from the side; forearm bent ~15° forward at the elbow.
    const Mat4f g_upper =
        RotationBetween(bl.head - bu.head, geom::Normalize(Vec3f{0.12f * out, -1, 0.02f}));
    const Vec3f forearm = g_upper.TransformVector(bw.head - bl.head);
    const Mat4f g_lower =
        RotationBetween(forearm, geom::Normalize(Vec3f{0.06f * out, -1, 0.27f})) * g_upper;
    set[static_cast<size_t>(upper)] = g_upper;
    set[static_cast<size_t>(lower)] = g_lower;
  }
  set[0] = Mat4f();
  return Complete(skeleton, set);
}

Result<MhPose> PoseFromClip(const BvhClip& clip, int frame, const MhSkeleton& skeleton) {
  if (frame < 0 || frame >= clip.frame_count) {
    return InvalidArgument("clip " + clip.name + ": frame " + std::to_string(frame) +
                           " is out of range (the clip has " + std::to_string(clip.frame_count) +
                           " frames, 0.." + std::to_string(clip.frame_count - 1) + ")");
  }
  std::map<std::string, int> by_canonical;
  for (size_t j = 0; j < clip.joints.size(); ++j) {
    by_canonical.emplace(Canonical(clip.joints[j].name), static_cast<int>(j));
  }
  std::vector<std::optional<Mat4f>> set(skeleton.bones.size());
  if (by_canonical.contains("upperarm01.l") || by_canonical.contains("spine05")) {
    // A clip for the default skeleton: same rest pose, map by name.
    for (size_t b = 0; b < skeleton.bones.size(); ++b) {
      const auto it = by_canonical.find(Canonical(skeleton.bones[b].name));
      if (it != by_canonical.end()) set[b] = clip.GlobalRotation(frame, it->second);
    }
  } else if (clip.Find("UpArm_L") >= 0 && clip.Find("UpLeg_L") >= 0) {
    for (const Retarget& r : kSoft1) {
      const int j = clip.Find(r.source), b = skeleton.Find(r.target);
      if (j < 0 || b < 0) continue;
      Mat4f offset;  // turns the bone from MakeHuman's rest direction into the clip's
      const int j_to = clip.Find(r.source_to), b_to = skeleton.Find(r.target_to);
      if (j_to >= 0 && b_to >= 0) {
        offset = RotationBetween(skeleton.bones[static_cast<size_t>(b_to)].head -
                                     skeleton.bones[static_cast<size_t>(b)].head,
                                 clip.joints[static_cast<size_t>(j_to)].rest_position -
                                     clip.joints[static_cast<size_t>(j)].rest_position);
      }
      set[static_cast<size_t>(b)] = clip.GlobalRotation(frame, j) * offset;
    }
  } else {
    return InvalidArgument("clip " + clip.name +
                           ": neither MakeHuman default-skeleton joint names (upperarm01.L, "
                           "spine05, ...) nor soft1 names (UpArm_L, UpLeg_L, ...)");
  }
  return Complete(skeleton, set);
}

std::vector<Mat4f> SkinningMatrices(const MhSkeleton& skeleton, const MhPose& pose) {
  std::vector<Mat4f> s(skeleton.bones.size());
  for (size_t b = 0; b < skeleton.bones.size(); ++b) {
    const MhBone& bone = skeleton.bones[b];
    const Vec3f posed_head =
        bone.parent < 0 ? bone.head : s[static_cast<size_t>(bone.parent)].TransformPoint(bone.head);
    s[b] = Mat4f::Translation(posed_head) * RotationOnly(pose.rotation[b]) *
           Mat4f::Translation(-bone.head);
  }
  return s;
}

std::vector<Vec3f> Skin(std::span<const Vec3f> rest, const MhWeights& weights,
                        const std::vector<Mat4f>& skinning) {
  std::vector<Vec3f> out(rest.size());
  for (size_t v = 0; v < rest.size(); ++v) {
    const auto& list = weights.influences[v];
    if (list.empty()) {
      out[v] = skinning[0].TransformPoint(rest[v]);
      continue;
    }
    Vec3f p;
    for (const auto& [b, w] : list) p += skinning[b].TransformPoint(rest[v]) * w;
    out[v] = p;
  }
  return out;
}

}  // namespace figurant::anim
