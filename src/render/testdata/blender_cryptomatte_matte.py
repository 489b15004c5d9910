# Extracts Cryptomatte mattes from a Figurant EXR with Blender's own compositor, the way a
# compositing artist would: an Image-sourced Cryptomatte node (CompositorNodeCryptomatteV2) keyed on
# one layer and one name, its Matte output written by a File Output node as 32-bit float EXR.
#
#   blender -b --factory-startup --python blender_cryptomatte_matte.py -- \
#       PLATE.exr OUT_DIR WIDTH HEIGHT LAYER:NAME [LAYER:NAME ...]
#
# WIDTH and HEIGHT are the plate's: the compositor works at the scene's render resolution, and
# Blender's Python reports 0 x 0 for a multilayer image it has not displayed. Writes
# OUT_DIR/<i>/Image0001.exr (R = G = B = the matte) for the i-th request. Run Blender with
# --python-exit-code 1 so that a failure (e.g. a layer the plate's Cryptomatte metadata does not
# list) is a non-zero exit.
import sys

import bpy


def main(argv):
    plate, out_dir, width, height = argv[0], argv[1], int(argv[2]), int(argv[3])
    requests = argv[4:]
    image = bpy.data.images.load(plate)
    scene = bpy.context.scene
    for obj in list(bpy.data.objects):
        bpy.data.objects.remove(obj)
    scene.render.engine = "CYCLES"
    scene.frame_current = 1
    scene.use_nodes = True
    tree = scene.node_tree
    for node in list(tree.nodes):
        tree.nodes.remove(node)
    for i, request in enumerate(requests):
        layer, name = request.split(":", 1)
        crypto = tree.nodes.new("CompositorNodeCryptomatteV2")
        crypto.source = "IMAGE"
        crypto.image = image
        crypto.layer_name = layer  # TypeError when the plate has no such Cryptomatte layer
        crypto.matte_id = name
        out = tree.nodes.new("CompositorNodeOutputFile")
        out.base_path = "%s/%d/" % (out_dir, i)
        out.format.file_format = "OPEN_EXR"
        out.format.color_depth = "32"
        out.format.color_mode = "RGB"
        out.format.exr_codec = "ZIP"
        tree.links.new(crypto.outputs["Matte"], out.inputs[0])
    scene.render.resolution_x = width
    scene.render.resolution_y = height
    scene.render.resolution_percentage = 100
    bpy.ops.render.render(write_still=False)


if __name__ == "__main__":
    main(sys.argv[sys.argv.index("--") + 1:])
