# Imports a crowd .glb with Blender's own glTF importer (headless) and prints, as one JSON line,
# how many mesh objects it made and where each is (world location, Blender's +Z up) at each frame
# asked: the importer that checks Figurant's moving crowds (crowd_gltf_test).
#   blender -b --factory-startup --python-exit-code 1 --python blender_crowd_glb.py -- \
#       FILE.glb FPS FRAME...
import json
import sys

import numpy

numpy.bool = bool  # Blender 3.4's glTF importer uses the alias NumPy 1.24 removed
import bpy

args = sys.argv[sys.argv.index("--") + 1:]
path, fps, frames = args[0], int(args[1]), [int(f) for f in args[2:]]
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.context.scene.render.fps = fps
bpy.ops.import_scene.gltf(filepath=path)
objects = sorted((o for o in bpy.context.scene.objects if o.type == "MESH"), key=lambda o: o.name)
where = {}
for frame in frames:
    bpy.context.scene.frame_set(frame)
    where[str(frame)] = {o.name: list(o.matrix_world.translation) for o in objects}
print("FIGURANT_CROWD " + json.dumps({"objects": len(objects), "at": where}))
