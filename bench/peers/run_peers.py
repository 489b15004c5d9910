#!/usr/bin/python3
"""Figurant against Blender 3.4 Cycles on the same scene files (issue 5, "Must show").

For each crowd size and double mix, writes one scene file (docs/scene-spec.md), renders it with
Figurant (bench/render/render_scene, the library the CLI uses) and with Cycles
(bench/peers/cycles_render.py), one after the other with the same thread count, and reports:
  - wall time of each whole process (scene file in, EXR out) and of the render phase alone;
  - peak resident memory of each process (ru_maxrss from wait4);
  - intersection over union of the two alpha masks and of the two agent masks (Cryptomatte
    coverage of everything but the ground), proving both rendered the same crowd.

  bench/peers/run_peers.py --build build-render --out /tmp/peers [--threads 2] \
      [--sizes 1,100,10000,100000] [--mixes human,mixed] [--resolution 1920x1080] [--spp 16]
  bench/peers/run_peers.py --build build-render --out /tmp/peers --figurant-only \
      --sizes 1000000 --mixes hundred          # the million-agent frame (generated in memory)

Writes OUT/results.json and OUT/results.md. Scenes: a camera 25 m up looking down a field of
people on a jittered 1.3 m grid filling the horizontal field of view, nearest first; "human" is
every agent showing human.zae, "mixed" cycles through human.zae and 7 MakeHuman bodies,
"hundred" through human.zae and 99 MakeHuman bodies.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))

MIXES = {"human": 0, "mixed": 7, "hundred": 99}  # MakeHuman bodies beside human.zae


def doubles_for(mix):
    return ["human"] + ["mh_%02d" % i for i in range(MIXES[mix])]


def scene_for(n, mix, width, height, spp, seed=7):
    cam_pos, look = (0.0, 25.0, -30.0), (0.0, 0.0, 50.0)
    half_fov = math.atan(0.5 * 36 / 35) * 1.05
    spacing = 1.3
    rng = random.Random(seed)
    # Grid points inside the horizontal field of view, nearest to the camera first.
    points = []
    radius = 40.0
    while len(points) < n:
        radius *= 1.5
        points = []
        cells = int(radius / spacing) + 1
        for i in range(-cells, cells + 1):
            for j in range(0, cells * 2):
                x, z = i * spacing, 8.0 + j * spacing
                d = math.hypot(x, z - cam_pos[2])
                if d <= radius and abs(math.atan2(x, z - cam_pos[2])) <= half_fov:
                    points.append((d, x, z))
    points.sort()
    ids = doubles_for(mix)
    agents = []
    for k, (_, x, z) in enumerate(points[:n]):
        jx, jz = rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)
        agents.append({"double": ids[k % len(ids)],
                       "position": [round(x + jx, 4), 0, round(z + jz, 4)],
                       "heading_deg": round(rng.uniform(-180, 180), 3),
                       "name": "agent_%d" % k})
    return {
        "figurant_scene": 1, "production": "prd_bench", "shot": "peer_%s_%d" % (mix, n),
        "seed": seed,
        "camera": {"position": list(cam_pos), "look_at": list(look), "up": [0, 1, 0],
                   "focal_length_mm": 35, "sensor_width_mm": 36, "resolution": [width, height]},
        "frames": {"start": 1, "end": 1, "fps": 24},
        "lighting": {"sun": {"direction": [0.3, 0.8, -0.5], "irradiance": 3.0,
                             "color": [1, 0.95, 0.9]},
                     "sky": {"radiance": [0.25, 0.3, 0.4]}},
        "set": {"ground_plane": {"height": 0, "albedo": [0.35, 0.35, 0.35]}, "meshes": []},
        "render": {"spp": spp, "max_bounces": 2, "threads": 0,
                   "output": "figurant_%s_%d.exr" % (mix, n), "preview_png": True},
        "agents": agents,
    }


def clean_env():
    """The environment without a pyenv/virtualenv Python, which Blender's would otherwise pick."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYENV", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = ":".join(p for p in env.get("PATH", "").split(":")
                           if ".pyenv" not in p and "virtualenv" not in p)
    return env


def run(cmd, log):
    """Runs cmd, returns (wall seconds, CPU seconds, peak RSS MiB of that process, stdout)."""
    t0 = time.time()
    with open(log, "w") as err:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=clean_env())
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.time() - t0
    with open(log, "a") as err:
        err.write(out)
    if status != 0:
        raise RuntimeError("%s failed (status %d), see %s" % (cmd[0], status, log))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(SOURCE, "build"))
    ap.add_argument("--out", default="/tmp/figurant-peers")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--sizes", default="1,100,10000,100000")
    ap.add_argument("--mixes", default="human,mixed")
    ap.add_argument("--resolution", default="1920x1080")
    ap.add_argument("--spp", type=int, default=16)
    ap.add_argument("--figurant-only", action="store_true")
    ap.add_argument("--blender", default="blender")
    args = ap.parse_args()
    width, height = (int(v) for v in args.resolution.split("x"))
    tool = os.path.join(args.build, "bench", "render", "render_scene")
    iou_tool = os.path.join(args.build, "bench", "render", "exr_mask_iou")
    os.makedirs(args.out, exist_ok=True)
    doubles_dir = os.path.join(args.out, "doubles")
    mixes = args.mixes.split(",")
    need = max(MIXES[m] for m in mixes)
    prepared = os.path.exists(os.path.join(doubles_dir, "human.double")) and (
        need == 0 or os.path.exists(os.path.join(doubles_dir, "mh_%02d.double" % (need - 1))))
    if not prepared:
        subprocess.run([tool, "prepare", doubles_dir, "--makehuman", str(need)], check=True,
                       stdout=subprocess.DEVNULL)

    results = []
    for mix in mixes:
        for n in (int(s) for s in args.sizes.split(",")):
            row = {"mix": mix, "agents": n, "doubles": len(doubles_for(mix)),
                   "threads": args.threads}
            if args.figurant_only:
                # The same field generated in memory (bench_doubles.h FieldScene): a scene file
                # listing a million agents would be a 100 MB JSON document to parse first.
                cmd = [tool, "field", doubles_dir, str(n), str(len(doubles_for(mix))),
                       "%dx%d" % (width, height), str(args.spp)]
            else:
                scene = scene_for(n, mix, width, height, args.spp)
                scene_file = os.path.join(args.out, "scene_%s_%d.json" % (mix, n))
                with open(scene_file, "w") as f:
                    json.dump(scene, f)
                cmd = [tool, "render", scene_file, doubles_dir]
            wall, cpu, rss, out = run(cmd + ["--threads", str(args.threads), "--quiet"],
                                      os.path.join(args.out, "figurant_%s_%d.log" % (mix, n)))
            stats = json.loads(out.strip().splitlines()[-1])
            row["figurant"] = {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": rss,
                               "render_s": stats["render_s"], "write_s": stats["write_s"],
                               "build_s": stats["build_s"], "load_s": stats["load_s"],
                               "mrays_per_s": stats["mrays_per_s"]}
            if not args.figurant_only:
                cycles_exr = os.path.join(args.out, "cycles_%s_%d.exr" % (mix, n))
                wall, cpu, rss, out = run([args.blender, "-b", "--factory-startup",
                                      "--python-exit-code", "1", "--python",
                                      os.path.join(HERE, "cycles_render.py"), "--", scene_file,
                                      doubles_dir, cycles_exr, "--threads", str(args.threads)],
                                          os.path.join(args.out, "cycles_%s_%d.log" % (mix, n)))
                line = [l for l in out.splitlines() if l.startswith("CYCLES_STATS ")][-1]
                cstats = json.loads(line[len("CYCLES_STATS "):])
                row["cycles"] = {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": rss,
                                 "render_s": cstats["render_s"], "setup_s": cstats["setup_s"]}
                fig_exr = os.path.join(args.out, scene["render"]["output"])
                iou = subprocess.run([iou_tool, fig_exr, "A", "CryptoAgent", cycles_exr,
                                      "ViewLayer.Combined.A", "ViewLayer.CryptoObject",
                                      "--exclude", "Ground"],
                                     check=True, capture_output=True, text=True).stdout
                row["iou"] = json.loads(iou)
                # The noise floor: Figurant against itself with another seed (primary rays only,
                # which is all a mask depends on). Edge pixels of small agents flip with the
                # samples alone; agreement with Cycles at this level means the same crowd.
                floor_exr = os.path.join(args.out, "floor_%s_%d.exr" % (mix, n))
                subprocess.run([tool, "render", scene_file, doubles_dir, "--threads",
                                str(args.threads), "--quiet", "--mattes-only", "--seed",
                                str(scene["seed"] + 1), "--output", floor_exr],
                               check=True, stdout=subprocess.DEVNULL)
                floor = subprocess.run([iou_tool, fig_exr, "A", "CryptoAgent", floor_exr, "A",
                                        "CryptoAgent"],
                                       check=True, capture_output=True, text=True).stdout
                row["iou_noise_floor"] = json.loads(floor)
                row["time_ratio"] = row["figurant"]["wall_s"] / row["cycles"]["wall_s"]
                row["cpu_time_ratio"] = row["figurant"]["cpu_s"] / row["cycles"]["cpu_s"]
                row["render_time_ratio"] = row["figurant"]["render_s"] / row["cycles"]["render_s"]
                row["memory_ratio"] = (row["figurant"]["peak_rss_mb"] /
                                       row["cycles"]["peak_rss_mb"])
            results.append(row)
            print(json.dumps(row), flush=True)

    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    lines = ["| doubles | agents | Figurant wall s | Cycles wall s | wall ratio | CPU ratio "
             "| render ratio | Figurant MiB | Cycles MiB | memory ratio | alpha IoU "
             "| agent IoU | agent IoU, Figurant vs itself |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if "cycles" not in r:
            lines.append("| %d | %d | %.1f | – | – | – | – | %.0f | – | – | – | – | – |" % (
                r["doubles"], r["agents"], r["figurant"]["wall_s"],
                r["figurant"]["peak_rss_mb"]))
            continue
        lines.append("| %d | %d | %.1f | %.1f | %.3f | %.3f | %.3f | %.0f | %.0f | %.3f | %.4f "
                     "| %.4f | %.4f |" % (
                         r["doubles"], r["agents"], r["figurant"]["wall_s"],
                         r["cycles"]["wall_s"], r["time_ratio"], r["cpu_time_ratio"],
                         r["render_time_ratio"], r["figurant"]["peak_rss_mb"],
                         r["cycles"]["peak_rss_mb"], r["memory_ratio"],
                         r["iou"]["alpha"]["iou"], r["iou"]["agents"]["iou"],
                         r["iou_noise_floor"]["agents"]["iou"]))
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
