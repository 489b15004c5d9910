#include "anim/humanoid.h"

#include <algorithm>
#include <map>

namespace figurant::anim {
namespace {

const std::map<std::string_view, std::string_view>& MakeHumanMap() {
  // MakeHuman's default skeleton has several bones per VRM bone (e.g. spine05..spine01); the one
  // nearest the VRM joint is mapped, the others keep their names.
  static const std::map<std::string_view, std::string_view> k = {
      {"root", "hips"},
      {"spine04", "spine"},
      {"spine03", "chest"},
      {"spine01", "upperChest"},
      {"neck01", "neck"},
      {"head", "head"},
      {"jaw", "jaw"},
      {"eye.L", "leftEye"},
      {"eye.R", "rightEye"},
      {"clavicle.L", "leftShoulder"},
      {"clavicle.R", "rightShoulder"},
      {"upperarm01.L", "leftUpperArm"},
      {"upperarm01.R", "rightUpperArm"},
      {"lowerarm01.L", "leftLowerArm"},
      {"lowerarm01.R", "rightLowerArm"},
      {"wrist.L", "leftHand"},
      {"wrist.R", "rightHand"},
      {"upperleg01.L", "leftUpperLeg"},
      {"upperleg01.R", "rightUpperLeg"},
      {"lowerleg01.L", "leftLowerLeg"},
      {"lowerleg01.R", "rightLowerLeg"},
      {"foot.L", "leftFoot"},
      {"foot.R", "rightFoot"},
      {"toe1-1.L", "leftToes"},
      {"toe1-1.R", "rightToes"},
      {"finger1-1.L", "leftThumbMetacarpal"},
      {"finger1-2.L", "leftThumbProximal"},
      {"finger1-3.L", "leftThumbDistal"},
      {"finger2-1.L", "leftIndexProximal"},
      {"finger2-2.L", "leftIndexIntermediate"},
      {"finger2-3.L", "leftIndexDistal"},
      {"finger3-1.L", "leftMiddleProximal"},
      {"finger3-2.L", "leftMiddleIntermediate"},
      {"finger3-3.L", "leftMiddleDistal"},
      {"finger4-1.L", "leftRingProximal"},
      {"finger4-2.L", "leftRingIntermediate"},
      {"finger4-3.L", "leftRingDistal"},
      {"finger5-1.L", "leftLittleProximal"},
      {"finger5-2.L", "leftLittleIntermediate"},
      {"finger5-3.L", "leftLittleDistal"},
      {"finger1-1.R", "rightThumbMetacarpal"},
      {"finger1-2.R", "rightThumbProximal"},
      {"finger1-3.R", "rightThumbDistal"},
      {"finger2-1.R", "rightIndexProximal"},
      {"finger2-2.R", "rightIndexIntermediate"},
      {"finger2-3.R", "rightIndexDistal"},
      {"finger3-1.R", "rightMiddleProximal"},
      {"finger3-2.R", "rightMiddleIntermediate"},
      {"finger3-3.R", "rightMiddleDistal"},
      {"finger4-1.R", "rightRingProximal"},
      {"finger4-2.R", "rightRingIntermediate"},
      {"finger4-3.R", "rightRingDistal"},
      {"finger5-1.R", "rightLittleProximal"},
      {"finger5-2.R", "rightLittleIntermediate"},
      {"finger5-3.R", "rightLittleDistal"},
  };
  return k;
}

const std::map<std::string_view, std::string_view>& MixamoMap() {
  static const std::map<std::string_view, std::string_view> k = {
      {"Hips", "hips"},
      {"Spine", "spine"},
      {"Spine1", "chest"},
      {"Spine2", "upperChest"},
      {"Neck", "neck"},
      {"Head", "head"},
      {"LeftEye", "leftEye"},
      {"RightEye", "rightEye"},
      {"LeftShoulder", "leftShoulder"},
      {"LeftArm", "leftUpperArm"},
      {"LeftForeArm", "leftLowerArm"},
      {"LeftHand", "leftHand"},
      {"RightShoulder", "rightShoulder"},
      {"RightArm", "rightUpperArm"},
      {"RightForeArm", "rightLowerArm"},
      {"RightHand", "rightHand"},
      {"LeftUpLeg", "leftUpperLeg"},
      {"LeftLeg", "leftLowerLeg"},
      {"LeftFoot", "leftFoot"},
      {"LeftToeBase", "leftToes"},
      {"RightUpLeg", "rightUpperLeg"},
      {"RightLeg", "rightLowerLeg"},
      {"RightFoot", "rightFoot"},
      {"RightToeBase", "rightToes"},
      {"LeftHandThumb1", "leftThumbMetacarpal"},
      {"LeftHandThumb2", "leftThumbProximal"},
      {"LeftHandThumb3", "leftThumbDistal"},
      {"LeftHandIndex1", "leftIndexProximal"},
      {"LeftHandIndex2", "leftIndexIntermediate"},
      {"LeftHandIndex3", "leftIndexDistal"},
      {"LeftHandMiddle1", "leftMiddleProximal"},
      {"LeftHandMiddle2", "leftMiddleIntermediate"},
      {"LeftHandMiddle3", "leftMiddleDistal"},
      {"LeftHandRing1", "leftRingProximal"},
      {"LeftHandRing2", "leftRingIntermediate"},
      {"LeftHandRing3", "leftRingDistal"},
      {"LeftHandPinky1", "leftLittleProximal"},
      {"LeftHandPinky2", "leftLittleIntermediate"},
      {"LeftHandPinky3", "leftLittleDistal"},
      {"RightHandThumb1", "rightThumbMetacarpal"},
      {"RightHandThumb2", "rightThumbProximal"},
      {"RightHandThumb3", "rightThumbDistal"},
      {"RightHandIndex1", "rightIndexProximal"},
      {"RightHandIndex2", "rightIndexIntermediate"},
      {"RightHandIndex3", "rightIndexDistal"},
      {"RightHandMiddle1", "rightMiddleProximal"},
      {"RightHandMiddle2", "rightMiddleIntermediate"},
      {"RightHandMiddle3", "rightMiddleDistal"},
      {"RightHandRing1", "rightRingProximal"},
      {"RightHandRing2", "rightRingIntermediate"},
      {"RightHandRing3", "rightRingDistal"},
      {"RightHandPinky1", "rightLittleProximal"},
      {"RightHandPinky2", "rightLittleIntermediate"},
      {"RightHandPinky3", "rightLittleDistal"},
  };
  return k;
}

}  // namespace

const std::vector<std::string_view>& HumanoidBoneNames() {
  static const std::vector<std::string_view> k = [] {
    std::vector<std::string_view> v = {"hips", "spine", "chest",   "upperChest", "neck",
                                       "head", "jaw",   "leftEye", "rightEye"};
    for (const auto& [_, canon] : MixamoMap()) {
      if (std::find(v.begin(), v.end(), canon) == v.end()) v.push_back(canon);
    }
    return v;
  }();
  return k;
}

const std::vector<std::string_view>& RequiredHumanoidBones() {
  static const std::vector<std::string_view> k = {
      "hips",         "spine",         "head",          "leftUpperArm",  "leftLowerArm",
      "leftHand",     "rightUpperArm", "rightLowerArm", "rightHand",     "leftUpperLeg",
      "leftLowerLeg", "leftFoot",      "rightUpperLeg", "rightLowerLeg", "rightFoot"};
  return k;
}

std::optional<std::string> CanonicalBoneName(std::string_view name) {
  for (std::string_view c : HumanoidBoneNames()) {
    if (c == name) return std::string(c);
  }
  if (auto it = MakeHumanMap().find(name); it != MakeHumanMap().end()) {
    return std::string(it->second);
  }
  // Mixamo: "mixamorig:LeftArm", "mixamorig1:LeftArm", "mixamorig_LeftArm" or bare "LeftArm".
  std::string_view bare = name;
  if (bare.rfind("mixamorig", 0) == 0) {
    const auto sep = bare.find_first_of(":_");
    if (sep != std::string_view::npos) bare = bare.substr(sep + 1);
  }
  if (auto it = MixamoMap().find(bare); it != MixamoMap().end()) return std::string(it->second);
  return std::nullopt;
}

}  // namespace figurant::anim
