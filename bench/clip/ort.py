#!/usr/bin/env python3
"""Peer baseline for the CLIP engine benchmark (issue #13): ONNX Runtime on the same
random-weight ViT-B/32 checkpoint that bench/clip/run.sh feeds to `afa model bench`.

There is no torch here, so the vision tower is written out with onnx.helper from the safetensors
weights, using the standard ops torch.onnx.export emits for HF CLIPVisionModelWithProjection (eager
attention, opset 17) plus the L2 normalisation afa applies, so ORT's default optimiser
(ORT_ENABLE_ALL) finds the same patterns it fuses in real exports. int8 is `quantize_dynamic` with
QInt8 weights, as in the issue. The fp32 graph must match `afa model embed-image` (cosine >= 0.9999)
before any timing is printed.

    .deps/ort/bin/python bench/clip/ort.py [--seconds 10] [--runs 3] [--batches "16 1"]
        [--modes "fp32 int8"] [--model DIR] [--afa PATH] [--threads N] [--per-channel] [--profile]
"""
import argparse, json, os, subprocess, sys, tempfile, time
from collections import defaultdict

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from safetensors import safe_open

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_fp32(model_dir, path):
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    vc = cfg["vision_config"]
    d, heads, layers = vc["hidden_size"], vc["num_attention_heads"], vc["num_hidden_layers"]
    patch, size = vc["patch_size"], vc.get("image_size", 224)
    eps, head = vc.get("layer_norm_eps", 1e-5), vc["hidden_size"] // vc["num_attention_heads"]
    assert vc.get("hidden_act", "quick_gelu") == "quick_gelu", "only quick_gelu checkpoints"
    weights = safe_open(os.path.join(model_dir, "model.safetensors"), "np")
    nodes, inits = [], []

    def const(name, array):
        # asarray, not ascontiguousarray: the latter turns 0-d scalars into [1] and adds an axis.
        inits.append(numpy_helper.from_array(np.asarray(array, order="C"), name))
        return name

    def w(name):
        return const(name, weights.get_tensor(name).astype(np.float32))

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x, prefix, bias=True):
        # torch exports nn.Linear on 3-D input as MatMul against the transposed weight plus Add.
        t = const(prefix + ".weight_t", weights.get_tensor(prefix + ".weight").T.astype(np.float32))
        y = node("MatMul", [x, t], prefix + ".matmul")
        return node("Add", [y, w(prefix + ".bias")], prefix + ".add") if bias else y

    def layer_norm(x, prefix):
        return node("LayerNormalization", [x, w(prefix + ".weight"), w(prefix + ".bias")],
                    prefix + ".ln", axis=-1, epsilon=eps)

    i64 = lambda name, values: const(name, np.array(values, dtype=np.int64))
    grid = size // patch
    emb = "vision_model.embeddings"
    x = node("Conv", ["pixel_values", w(emb + ".patch_embedding.weight")], emb + ".conv",
             kernel_shape=[patch, patch], strides=[patch, patch])
    x = node("Reshape", [x, i64("shape_flat", [0, d, grid * grid])], emb + ".flatten")
    x = node("Transpose", [x], emb + ".patches", perm=[0, 2, 1])
    # The class token is broadcast to the runtime batch size, as torch's expand() exports.
    batch = node("Shape", ["pixel_values"], "batch_shape", start=0, end=1)
    cls_shape = node("Concat", [batch, i64("one_d", [1, d])], "cls_shape", axis=0)
    cls = const("class_embedding", weights.get_tensor(emb + ".class_embedding").reshape(1, 1, d))
    cls = node("Expand", [cls, cls_shape], "cls_tokens")
    x = node("Concat", [cls, x], emb + ".concat", axis=1)
    x = node("Add", [x, w(emb + ".position_embedding.weight")], emb + ".positions")
    h = layer_norm(x, "vision_model.pre_layrnorm")

    split = i64("shape_heads", [0, -1, heads, head])
    merge = i64("shape_merge", [0, -1, d])
    scale = const("attn_scale", np.array(head ** -0.5, dtype=np.float32))
    gelu_alpha = const("quick_gelu_alpha", np.array(1.702, dtype=np.float32))
    for n in range(layers):
        p = f"vision_model.encoder.layers.{n}"
        a = layer_norm(h, p + ".layer_norm1")
        # HF's eager CLIPAttention scales q after projection; heads go [B, H, T, dh].
        q = node("Mul", [linear(a, p + ".self_attn.q_proj"), scale], p + ".q_scaled")
        q = node("Transpose", [node("Reshape", [q, split], p + ".q_split")], p + ".q", perm=[0, 2, 1, 3])
        k = node("Reshape", [linear(a, p + ".self_attn.k_proj"), split], p + ".k_split")
        k = node("Transpose", [k], p + ".k_t", perm=[0, 2, 3, 1])
        v = node("Reshape", [linear(a, p + ".self_attn.v_proj"), split], p + ".v_split")
        v = node("Transpose", [v], p + ".v", perm=[0, 2, 1, 3])
        s = node("Softmax", [node("MatMul", [q, k], p + ".scores")], p + ".probs", axis=-1)
        o = node("Transpose", [node("MatMul", [s, v], p + ".context")], p + ".context_t", perm=[0, 2, 1, 3])
        o = linear(node("Reshape", [o, merge], p + ".context_merged"), p + ".self_attn.out_proj")
        h = node("Add", [h, o], p + ".residual1")
        m = linear(layer_norm(h, p + ".layer_norm2"), p + ".mlp.fc1")
        gate = node("Sigmoid", [node("Mul", [m, gelu_alpha], p + ".gelu_scaled")], p + ".gelu_gate")
        m = linear(node("Mul", [m, gate], p + ".quick_gelu"), p + ".mlp.fc2")
        h = node("Add", [h, m], p + ".residual2")

    pooled = node("Gather", [h, i64("cls_index", 0)], "pooled", axis=1)
    pooled = layer_norm(pooled, "vision_model.post_layernorm")
    e = linear(pooled, "visual_projection", bias=False)
    norm = node("ReduceL2", [e], "embed_norm", axes=[-1], keepdims=1)
    nodes.append(helper.make_node("Div", [e, norm], ["image_embeds"], name="image_embeds"))

    graph = helper.make_graph(
        nodes, "clip_vision",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", cfg["projection_dim"]])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="afa bench/clip/ort.py")
    onnx.checker.check_model(model)
    onnx.save(model, path)


def fresh(path, *sources):
    return os.path.exists(path) and all(os.path.getmtime(path) > os.path.getmtime(s) for s in sources)


def model_paths(args):
    os.makedirs(args.cache, exist_ok=True)
    ckpt = os.path.join(args.model, "model.safetensors")
    stem = os.path.join(args.cache, os.path.basename(os.path.normpath(args.model)))
    fp32 = stem + "-fp32.onnx"
    if not fresh(fp32, ckpt):
        t = time.time()
        build_fp32(args.model, fp32)
        print(f"built {fp32} in {time.time() - t:.1f}s", file=sys.stderr)
    int8 = stem + ("-int8-per-channel.onnx" if args.per_channel else "-int8.onnx")
    if "int8" in args.modes and not fresh(int8, fp32):
        t = time.time()
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=args.per_channel)
        print(f"quantised {int8} in {time.time() - t:.1f}s", file=sys.stderr)
    return {"fp32": fp32, "int8": int8}


def session(path, threads, profile_prefix=None):
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    if profile_prefix:
        so.enable_profiling = True
        so.profile_file_prefix = profile_prefix
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def test_image():
    # Smooth gradients plus a checkerboard and a ring, so every patch has some structure.
    y, x = np.mgrid[0:224, 0:224].astype(np.float32)
    r = x / 223 * 255
    g = y / 223 * 255
    b = np.where(((x // 16) + (y // 16)) % 2 == 0, 200, 40) + 50 * np.sin(np.hypot(x - 112, y - 112) / 9)
    return np.clip(np.stack([r, g, b], -1), 0, 255).round().astype(np.uint8)


def pixel_values(rgb, model_dir):
    # 224x224 input makes CLIP's resize and centre crop the identity; only normalisation is left.
    pre = os.path.join(model_dir, "preprocessor_config.json")
    cfg = json.load(open(pre)) if os.path.exists(pre) else {}
    mean = np.array(cfg.get("image_mean", CLIP_MEAN), np.float32)
    std = np.array(cfg.get("image_std", CLIP_STD), np.float32)
    x = (rgb.astype(np.float32) / 255 - mean) / std
    return x.transpose(2, 0, 1)[None].astype(np.float32)


def afa_embedding(afa, model_dir, rgb):
    with tempfile.NamedTemporaryFile(suffix=".ppm") as f:
        f.write(f"P6\n{rgb.shape[1]} {rgb.shape[0]}\n255\n".encode() + rgb.tobytes())
        f.flush()
        out = subprocess.run([afa, "model", "embed-image", "--json", model_dir, f.name],
                             check=True, capture_output=True, text=True).stdout
    return np.array(json.loads(out)["embeddings"][0], np.float64)


def cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def random_pixels(sess, batch):
    # The cost does not depend on the content; random rows just keep the batch honest.
    size = sess.get_inputs()[0].shape[2]
    return np.random.default_rng(0).standard_normal((batch, 3, size, size), dtype=np.float32)


def throughput(sess, batch, seconds):
    x = random_pixels(sess, batch)
    for _ in range(2):
        sess.run(None, {"pixel_values": x})
    images, start, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        sess.run(None, {"pixel_values": x})
        images += batch
    return images / elapsed, (time.process_time() - cpu) * 1000 / images


def op_role(op, node):
    # MatMul dominates, so split it by the layer it came from; fused/quantised node names keep
    # the prefix build_fp32 gave them.
    if "MatMul" not in op:
        return op
    if ".scores" in node or (".context" in node and ".context_" not in node):
        return f"{op} attention QK^T, PV"
    if "self_attn" in node:
        return f"{op} q/k/v/out proj"
    return f"{op} MLP fc1/fc2" if ".mlp." in node else f"{op} visual projection"


def profile(mode, path, threads, runs=3):
    # One session, warm-up run excluded: only kernels that start after the first model_run ends count.
    prefix = os.path.join(tempfile.gettempdir(), "afa-bench-ort-profile")
    sess = session(path, threads, prefix)
    x = random_pixels(sess, 16)
    for _ in range(runs + 1):
        sess.run(None, {"pixel_values": x})
    trace_path = sess.end_profiling()
    events = json.load(open(trace_path))
    os.remove(trace_path)
    model_runs = sorted((e["ts"], e["ts"] + e["dur"]) for e in events if e.get("name") == "model_run")
    after_warmup = model_runs[0][1]
    per_op, calls = defaultdict(float), defaultdict(int)
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= after_warmup:
            key = op_role(e["args"]["op_name"], e["name"][: -len("_kernel_time")])
            per_op[key] += e["dur"] / 1000 / runs
            calls[key] += 1
    total = sum(per_op.values())
    wall = sum(end - start for start, end in model_runs[1:]) / 1000 / runs
    print(f"ort profile {mode} batch 16: {wall:.1f} ms per run wall, {total:.1f} ms in kernels (mean of {runs} runs)")
    for op, ms in sorted(per_op.items(), key=lambda kv: -kv[1]):
        print(f"  {op:<40} {ms:8.1f} ms {100 * ms / total:5.1f}% {calls[op] // runs:4d} nodes")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=os.path.join(tempfile.gettempdir(), "afa-bench-vit-b-32"))
    p.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "afa-bench-ort"))
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--batches", default="16 1")
    p.add_argument("--modes", default="fp32 int8")
    p.add_argument("--afa", default=os.environ.get("AFA_BIN", os.path.join(ROOT, ".build-release/release/afa")))
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--per-channel", action="store_true", help="quantize_dynamic(per_channel=True)")
    p.add_argument("--profile", action="store_true", help="per-op-type time of batch 16, each mode")
    args = p.parse_args()
    args.modes, batches = args.modes.split(), [int(b) for b in args.batches.split()]
    if not os.path.exists(os.path.join(args.model, "model.safetensors")):
        subprocess.run([args.afa, "model", "random", "--like", "vit-b-32", "--tokenizer",
                        os.path.join(ROOT, "Tests/CLIPTests/Fixtures/tiny"), args.model], check=True)

    paths = model_paths(args)
    # get_available_providers() also lists providers this wheel merely ships (Azure); the session's
    # own list is what actually runs the graph.
    used = session(paths["fp32"], args.threads).get_providers()
    print(f"onnxruntime {ort.__version__}, available providers {ort.get_available_providers()}, "
          f"session providers {used}, {args.threads} intra-op threads, "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"int8 = quantize_dynamic(weight_type=QInt8, per_channel={args.per_channel}), "
          f"default op types (Conv becomes ConvInteger too)")
    rgb = test_image()
    reference = afa_embedding(args.afa, args.model, rgb)
    for mode in args.modes:
        got = session(paths[mode], args.threads).run(None, {"pixel_values": pixel_values(rgb, args.model)})[0]
        label = "fp32-vs-afa" if mode == "fp32" else "int8-vs-afa-fp32"
        similarity = cosine(got, reference)
        print(f"ort cosine {label}: {similarity:.6f} (max abs diff {np.abs(got.ravel() - reference).max():.1e})",
              flush=True)
        if mode == "fp32" and similarity < 0.9999:
            sys.exit("fp32 graph disagrees with afa: the ONNX graph has a bug, timings would be meaningless")
    for mode in args.modes:
        sess = session(paths[mode], args.threads)
        for batch in batches:
            results = sorted(throughput(sess, batch, args.seconds) for _ in range(args.runs))
            rate, cpu_ms = results[len(results) // 2]
            # ORT's pool threads spin while idle, so an undisturbed run keeps ~threads cores busy;
            # fewer means something else on the machine took CPU and the rate is understated.
            print(f"ort {mode} batch {batch}: {rate:.2f} images/s (median of {args.runs}), "
                  f"{cpu_ms:.1f} ms CPU per image, {rate * cpu_ms / 1000:.2f} cores busy, "
                  f"range {results[0][0]:.2f}-{results[-1][0]:.2f}", flush=True)
    if args.profile:
        for mode in args.modes:
            profile(mode, paths[mode], args.threads)
    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    main()
