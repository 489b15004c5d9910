# The peer: Blender 3.4 Cycles rendering the same scene file Figurant renders (docs/scene-spec.md),
# with the same doubles (bench/render/render_scene prepare writes DIR/<double>.glb), settings made
# equal where both renderers have them:
#   CPU, resolution, spp, max_bounces (= Figurant's diffuse bounces after the first hit), box pixel
#   filter 1 px wide, no denoising, no adaptive sampling, no light tree (3.4 has none), fixed thread
#   count, the seed; a Sun lamp of strength = irradiance (W/m²) and angle 0 (hard shadows, as
#   Figurant's directional sun); a constant world of the sky radiance; a 10 km ground plane with a
#   diffuse material; one diffuse material per double from its vertex colours or base colour.
# Agents are instanced, never copied: one point per agent on a mesh, Geometry Nodes "Instance on
# Points" picking the double by an integer attribute from a collection of prototypes, rotation and
# scale from attributes — so Blender's setup time stays small at 100,000 agents.
# Output: OpenEXR multilayer (32-bit float, ZIP) with the combined pass (film transparent, so alpha
# is geometry against the sky) and the Cryptomatte object pass (6 ranks), for the mask comparison.
#
#   blender -b --factory-startup --python cycles_render.py -- SCENE.json DOUBLES_DIR OUT.exr \
#       [--threads N]
#
# Prints one line "CYCLES_STATS {json}" with setup and render seconds and Blender's own memory
# figures. Limitation: agent tint must be [1, 1, 1] (the bench scenes use no tint).
import json
import math
import os
import sys
import time

import bpy
import mathutils
import numpy

# Blender 3.4's glTF importer uses numpy.bool, removed in numpy 1.24.
if not hasattr(numpy, "bool"):
    numpy.bool = bool


def to_blender(v):
    """Figurant (x, y, z), +Y up  ->  Blender (x, -z, y), +Z up (a rotation: handedness kept)."""
    return mathutils.Vector((v[0], -v[2], v[1]))


def diffuse_material(name, color=None, attribute=None):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    nodes.clear()
    out = nodes.new("ShaderNodeOutputMaterial")
    bsdf = nodes.new("ShaderNodeBsdfDiffuse")
    bsdf.inputs["Roughness"].default_value = 0.0  # Lambertian
    if attribute is not None:
        attr = nodes.new("ShaderNodeAttribute")
        attr.attribute_name = attribute
        links.new(attr.outputs["Color"], bsdf.inputs["Color"])
    else:
        bsdf.inputs["Color"].default_value = (color[0], color[1], color[2], 1.0)
    links.new(bsdf.outputs["BSDF"], out.inputs["Surface"])
    return mat


def import_double(path, index, double_id, collection):
    before = set(bpy.data.objects)
    bpy.ops.import_scene.gltf(filepath=path)
    new = [o for o in bpy.data.objects if o not in before]
    meshes = [o for o in new if o.type == "MESH"]
    if len(meshes) != 1:
        raise RuntimeError("%s: expected one mesh, got %d" % (path, len(meshes)))
    obj = meshes[0]
    for o in new:
        for c in list(o.users_collection):
            c.objects.unlink(o)
    # Bake any importer transform into the mesh so an instance's transform is the agent's alone.
    obj.data.transform(obj.matrix_world)
    obj.matrix_world = mathutils.Matrix.Identity(4)
    obj.parent = None
    # Sorted alphabetically by Collection Info's "separate children": the index is the name order.
    obj.name = "p%06d_%s" % (index, double_id)
    collection.objects.link(obj)
    src = obj.data.materials[0] if obj.data.materials else None
    colors = obj.data.color_attributes if hasattr(obj.data, "color_attributes") else []
    if len(colors) > 0:
        mat = diffuse_material("m_" + double_id, attribute=colors[0].name)
    else:
        base = (0.6, 0.6, 0.6)
        if src is not None and src.use_nodes:
            for n in src.node_tree.nodes:
                if n.type == "BSDF_PRINCIPLED":
                    base = tuple(n.inputs["Base Color"].default_value)[:3]
        mat = diffuse_material("m_" + double_id, color=base)
    obj.data.materials.clear()
    obj.data.materials.append(mat)
    for o in new:
        if o is not obj:
            bpy.data.objects.remove(o)
    return obj


def build_instancer(agents, proto_index, protos):
    """One vertex per agent; Geometry Nodes instance the picked double at each."""
    mesh = bpy.data.meshes.new("agents")
    coords = numpy.empty(len(agents) * 3, dtype=numpy.float32)
    proto = numpy.empty(len(agents), dtype=numpy.int32)
    rot = numpy.empty(len(agents), dtype=numpy.float32)
    scale = numpy.empty(len(agents), dtype=numpy.float32)
    for i, a in enumerate(agents):
        p = to_blender(a["position"])
        coords[3 * i:3 * i + 3] = (p.x, p.y, p.z)
        proto[i] = proto_index[a["double"]]
        rot[i] = math.radians(a.get("heading_deg", 0.0))
        scale[i] = a.get("scale", 1.0)
    mesh.vertices.add(len(agents))
    mesh.vertices.foreach_set("co", coords)
    for name, kind, data in (("proto", "INT", proto), ("rot_z", "FLOAT", rot),
                             ("agent_scale", "FLOAT", scale)):
        attr = mesh.attributes.new(name, kind, "POINT")
        attr.data.foreach_set("value", data)
    mesh.update()
    obj = bpy.data.objects.new("Agents", mesh)
    bpy.context.scene.collection.objects.link(obj)

    tree = bpy.data.node_groups.new("instance_agents", "GeometryNodeTree")
    tree.inputs.new("NodeSocketGeometry", "Geometry")
    tree.outputs.new("NodeSocketGeometry", "Geometry")
    n, links = tree.nodes, tree.links
    gin, gout = n.new("NodeGroupInput"), n.new("NodeGroupOutput")
    info = n.new("GeometryNodeCollectionInfo")
    info.inputs["Collection"].default_value = protos
    info.inputs["Separate Children"].default_value = True
    info.inputs["Reset Children"].default_value = True
    info.transform_space = "ORIGINAL"
    inst = n.new("GeometryNodeInstanceOnPoints")
    inst.inputs["Pick Instance"].default_value = True

    def named(name, kind):
        node = n.new("GeometryNodeInputNamedAttribute")
        node.data_type = kind
        node.inputs["Name"].default_value = name
        # One "Attribute" output per data type; only the one of data_type is enabled.
        return [o for o in node.outputs if o.enabled][0]

    combine = n.new("ShaderNodeCombineXYZ")
    links.new(named("rot_z", "FLOAT"), combine.inputs["Z"])
    links.new(gin.outputs["Geometry"], inst.inputs["Points"])
    links.new(info.outputs[0], inst.inputs["Instance"])
    links.new(named("proto", "INT"), inst.inputs["Instance Index"])
    links.new(combine.outputs["Vector"], inst.inputs["Rotation"])
    links.new(named("agent_scale", "FLOAT"), inst.inputs["Scale"])
    links.new(inst.outputs["Instances"], gout.inputs["Geometry"])
    mod = obj.modifiers.new("instances", "NODES")
    mod.node_group = tree
    return obj


def main(argv):
    t0 = time.time()
    scene_file, doubles_dir, out_exr = argv[0], argv[1], argv[2]
    threads = 0
    if "--threads" in argv:
        threads = int(argv[argv.index("--threads") + 1])
    spec = json.load(open(scene_file))
    if spec.get("crowds") or spec.get("set", {}).get("meshes"):
        raise RuntimeError("explicit agents on a ground plane only")
    agents = spec["agents"]
    for a in agents:
        if a.get("tint", [1, 1, 1]) != [1, 1, 1]:
            raise RuntimeError("agent tint is not supported by the peer script")

    scene = bpy.context.scene
    for o in list(bpy.data.objects):
        bpy.data.objects.remove(o)

    cam_spec, render_spec = spec["camera"], spec.get("render", {})
    light_spec = spec.get("lighting", {})
    r = scene.render
    r.engine = "CYCLES"
    r.resolution_x, r.resolution_y = cam_spec.get("resolution", [1920, 1080])
    r.resolution_percentage = 100
    r.film_transparent = True
    r.use_compositing = False
    r.use_sequencer = False
    if threads > 0:
        r.threads_mode = "FIXED"
        r.threads = threads
    c = scene.cycles
    c.device = "CPU"
    c.samples = render_spec.get("spp", 16)
    c.use_adaptive_sampling = False
    c.use_denoising = False
    c.seed = spec.get("seed", 0)
    bounces = render_spec.get("max_bounces", 2)
    c.max_bounces = bounces
    c.diffuse_bounces = bounces
    c.glossy_bounces = 0
    c.transmission_bounces = 0
    c.volume_bounces = 0
    c.transparent_max_bounces = 0
    c.caustics_reflective = False
    c.caustics_refractive = False
    c.sample_clamp_direct = 0
    c.sample_clamp_indirect = 0
    c.pixel_filter_type = "BOX"
    c.filter_width = 1.0
    c.use_auto_tile = False
    scene.view_settings.view_transform = "Standard"

    # Camera: Figurant's basis (right = forward x up), as a Blender camera (-Z forward, +Y up).
    pos, look = to_blender(cam_spec["position"]), to_blender(cam_spec["look_at"])
    up = to_blender(cam_spec.get("up", [0, 1, 0]))
    fwd = (look - pos).normalized()
    right = fwd.cross(up).normalized()
    true_up = right.cross(fwd)
    m = mathutils.Matrix((right, true_up, -fwd)).transposed().to_4x4()
    m.translation = pos
    cam_data = bpy.data.cameras.new("Camera")
    cam_data.sensor_fit = "HORIZONTAL"
    cam_data.sensor_width = cam_spec.get("sensor_width_mm", 36)
    cam_data.lens = cam_spec.get("focal_length_mm", 35)
    cam_data.clip_start = 0.01
    cam_data.clip_end = 1e5
    cam = bpy.data.objects.new("Camera", cam_data)
    cam.matrix_world = m
    scene.collection.objects.link(cam)
    scene.camera = cam

    # Sun and sky.
    sun_spec = light_spec.get("sun", {})
    sun_dir = to_blender(sun_spec.get("direction", [0.3, 0.8, -0.5])).normalized()
    sun_data = bpy.data.lights.new("Sun", "SUN")
    sun_data.energy = sun_spec.get("irradiance", 3.0)
    sun_data.color = sun_spec.get("color", [1, 0.95, 0.9])
    sun_data.angle = 0.0
    sun = bpy.data.objects.new("Sun", sun_data)
    sun.rotation_mode = "QUATERNION"
    sun.rotation_quaternion = sun_dir.to_track_quat("Z", "Y")  # light travels along -Z
    scene.collection.objects.link(sun)
    world = bpy.data.worlds.new("Sky")
    world.use_nodes = True
    bg = world.node_tree.nodes["Background"]
    sky = light_spec.get("sky", {}).get("radiance", [0.25, 0.3, 0.4])
    bg.inputs["Color"].default_value = (sky[0], sky[1], sky[2], 1.0)
    bg.inputs["Strength"].default_value = 1.0
    scene.world = world

    # Ground: Figurant's 10 km quad.
    set_spec = spec.get("set")
    ground_spec = {"height": 0, "albedo": [0.35, 0.35, 0.35]} if set_spec is None else \
        set_spec.get("ground_plane")
    if ground_spec is not None:
        h = ground_spec.get("height", 0)
        e = 5000.0
        gm = bpy.data.meshes.new("Ground")
        gm.from_pydata([(-e, -e, h), (e, -e, h), (e, e, h), (-e, e, h)], [], [(0, 1, 2, 3)])
        gm.materials.append(diffuse_material("ground", color=ground_spec.get("albedo",
                                                                            [0.35] * 3)))
        ground = bpy.data.objects.new("Ground", gm)
        scene.collection.objects.link(ground)

    # Prototypes in an excluded collection, instanced by Geometry Nodes.
    protos = bpy.data.collections.new("Doubles")
    scene.collection.children.link(protos)
    ids = sorted({a["double"] for a in agents})
    proto_index = {}
    for i, double_id in enumerate(ids):
        import_double(os.path.join(doubles_dir, double_id + ".glb"), i, double_id, protos)
        proto_index[double_id] = i
    bpy.context.view_layer.layer_collection.children["Doubles"].exclude = True
    build_instancer(agents, proto_index, protos)

    vl = bpy.context.view_layer
    vl.use_pass_cryptomatte_object = True
    vl.pass_cryptomatte_depth = 6
    vl.use_pass_z = True
    r.image_settings.file_format = "OPEN_EXR_MULTILAYER"
    r.image_settings.color_depth = "32"
    r.image_settings.exr_codec = "ZIP"
    r.image_settings.color_mode = "RGBA"
    r.filepath = out_exr
    r.use_file_extension = False
    setup_s = time.time() - t0

    t1 = time.time()
    bpy.ops.render.render(write_still=True)
    render_s = time.time() - t1
    print("CYCLES_STATS " + json.dumps({"agents": len(agents), "doubles": len(ids),
                                         "setup_s": setup_s, "render_s": render_s,
                                         "total_s": time.time() - t0}), flush=True)


if __name__ == "__main__":
    main(sys.argv[sys.argv.index("--") + 1:])
