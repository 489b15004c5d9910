#include "anim/humanoid.h"

#include <gtest/gtest.h>

namespace figurant::anim {
namespace {

TEST(HumanoidTest, MapsMakeHumanMixamoAndCanonicalNames) {
  EXPECT_EQ(CanonicalBoneName("root"), "hips");
  EXPECT_EQ(CanonicalBoneName("upperarm01.L"), "leftUpperArm");
  EXPECT_EQ(CanonicalBoneName("lowerleg01.R"), "rightLowerLeg");
  EXPECT_EQ(CanonicalBoneName("mixamorig:LeftForeArm"), "leftLowerArm");
  EXPECT_EQ(CanonicalBoneName("mixamorig1:RightUpLeg"), "rightUpperLeg");
  EXPECT_EQ(CanonicalBoneName("Hips"), "hips");
  EXPECT_EQ(CanonicalBoneName("leftHand"), "leftHand");
  EXPECT_FALSE(CanonicalBoneName("oris03.L").has_value());
  EXPECT_FALSE(CanonicalBoneName("").has_value());
}

TEST(HumanoidTest, EveryRequiredBoneIsReachableFromBothRigs) {
  for (std::string_view required : RequiredHumanoidBones()) {
    bool from_mixamo = false;
    for (const char* m :
         {"Hips", "Spine", "Head", "LeftArm", "LeftForeArm", "LeftHand", "RightArm", "RightForeArm",
          "RightHand", "LeftUpLeg", "LeftLeg", "LeftFoot", "RightUpLeg", "RightLeg", "RightFoot"}) {
      if (CanonicalBoneName(m) == std::string(required)) from_mixamo = true;
    }
    EXPECT_TRUE(from_mixamo) << required;
  }
}

}  // namespace
}  // namespace figurant::anim
