# Imports a crowd .glb with Blender's own glTF importer (headless) and prints, as one JSON line,
# how many top-level objects it made (one per agent: its root node) and, at each frame asked, each
# one's world location and the world location of the head of bone BONE in its armature (null when
# it has none), in Blender's axes (+Z up): the importer that checks Figurant's crowd exports
# (shot/export_test.cpp).
#   blender -b --factory-startup --python-exit-code 1 --python blender_crowd_glb.py -- \
#       FILE.glb FPS BONE FRAME...
import json
import sys

import numpy

numpy.bool = bool  # Blender 3.4's glTF importer uses the alias NumPy 1.24 removed
import bpy

args = sys.argv[sys.argv.index("--") + 1:]
path, fps, bone, frames = args[0], int(args[1]), args[2], [int(f) for f in args[3:]]
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.context.scene.render.fps = fps
bpy.ops.import_scene.gltf(filepath=path)
agents = sorted((o for o in bpy.context.scene.objects if o.parent is None), key=lambda o: o.name)


def bone_head(o):
    if o.type != "ARMATURE" or bone not in o.pose.bones:
        return None
    return list(o.matrix_world @ o.pose.bones[bone].head)


where = {}
for frame in frames:
    bpy.context.scene.frame_set(frame)
    where[str(frame)] = {
        o.name: {"root": list(o.matrix_world.translation), "bone": bone_head(o)} for o in agents
    }
triangles = sum(len(o.data.polygons) for o in bpy.context.scene.objects if o.type == "MESH")
print("FIGURANT_CROWD " + json.dumps({"agents": len(agents), "triangles": triangles, "at": where}))
