# Imports a .glb with Blender's own glTF importer (headless) and prints what it found as one JSON
# line: the importer that checks Figurant's interchange files (gltf_export_test).
#   blender -b --factory-startup --python-exit-code 1 --python blender_import_glb.py -- FILE.glb
import json
import sys

import numpy

numpy.bool = bool  # Blender 3.4's glTF importer uses the alias NumPy 1.24 removed
import bpy

path = sys.argv[sys.argv.index("--") + 1]
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_scene.gltf(filepath=path)
meshes = [o for o in bpy.context.scene.objects if o.type == "MESH"]
armatures = [o for o in bpy.context.scene.objects if o.type == "ARMATURE"]
mesh = meshes[0].data
zs = [v.co for v in mesh.vertices]
# glTF +Y up becomes Blender +Z up.
world = [meshes[0].matrix_world @ v.co for v in mesh.vertices]
print("FIGURANT_GLB " + json.dumps({
    "meshes": len(meshes),
    "vertices": len(mesh.vertices),
    "triangles": sum(1 for p in mesh.polygons if len(p.vertices) == 3),
    "polygons": len(mesh.polygons),
    "bones": len(armatures[0].data.bones) if armatures else 0,
    "vertex_groups": len(meshes[0].vertex_groups),
    "images": len(bpy.data.images),
    "min_z": min(v.z for v in world),
    "max_z": max(v.z for v in world),
}))
