"""Converts an nmt Transformer, exported by `nmt-export --to pytorch`, to a
CTranslate2 model directory:

    python3 -m nmt_ctranslate2.convert EXPORTED_DIR OUT_DIR [--quantization int8] [--force]

What maps to what (checked by tests/decode/test_ctranslate2_export.cpp, which
compares the two engines' translations):
- nmt's layer norms are CTranslate2's sublayer norms, post-norm or pre-norm as
  the model was trained; the final norms exist only with pre-norm.
- Positions: nmt's sinusoidal table interleaves sin (even dimensions) and cos
  (odd); CTranslate2's own table concatenates them, so nmt's is stored.
- Embeddings are scaled by sqrt(d_model) in both; a shared embedding is stored
  for each of its uses; the output layer is the (tied) embedding plus
  `output_bias`.
- The source ends with </s> (add_source_eos) and decoding starts at <s>.
- Layer norm epsilon 1e-5 (LibTorch's default, CTranslate2's is 1e-6).
"""
import argparse
import json
import os
import sys

import ctranslate2
import torch
from ctranslate2.specs import common_spec, transformer_spec

from nmt_pytorch import model_dir
from nmt_pytorch.transformer import sinusoidal_table

POSITIONS = 1024  # table rows: more than any length nmt decodes (max_length 100 -> 160 output tokens)


class ConversionError(Exception):
    """What cannot be converted, naming the file or key."""


def _read_export(directory):
    """nmt_pytorch's reading of the export (format, shapes, tokenizers), and a Transformer."""
    try:
        config, weights, source, target = model_dir.read(directory)
    except model_dir.ExportError as e:
        raise ConversionError(str(e)) from None
    model_type = config["model"]["type"]
    if model_type != "transformer":
        raise ConversionError(f"{os.path.join(directory, 'config.json')}: model.type is {model_type!r}; "
                              "CTranslate2 runs Transformers only (it has no GRU with additive attention)")
    return config, weights, (source, target)


def _linear(spec, w, name):
    spec.weight = w[name + ".weight"]
    spec.bias = w[name + ".bias"]


def _fused(spec, w, prefix, parts):
    spec.weight = torch.cat([w[f"{prefix}{p}_proj.weight"] for p in parts])
    spec.bias = torch.cat([w[f"{prefix}{p}_proj.bias"] for p in parts])


def _norm(spec, w, name):
    spec.gamma = w[name + ".weight"]
    spec.beta = w[name + ".bias"]


def _self_attention(spec, w, prefix):
    _fused(spec.linear[0], w, prefix + "self_attention.", "qkv")
    _linear(spec.linear[1], w, prefix + "self_attention.out_proj")
    _norm(spec.layer_norm, w, prefix + "norm1")


def _ffn(spec, w, prefix, norm):
    _norm(spec.layer_norm, w, prefix + norm)
    _linear(spec.linear_0, w, prefix + "feed_forward.inner")
    _linear(spec.linear_1, w, prefix + "feed_forward.outer")


def build_spec(config, w, source, target):
    """The TransformerSpec of an exported nmt Transformer."""
    m = config["model"]
    dim, pre_norm = m["embedding_dim"], m["pre_norm"]
    spec = transformer_spec.TransformerSpec.from_config(
        (m["encoder_layers"], m["decoder_layers"]), m["heads"], pre_norm=pre_norm,
        activation=common_spec.Activation.RELU)
    table = sinusoidal_table(POSITIONS, dim)
    src_embed = w["src_embed.weight"]
    tgt_embed = w.get("tgt_embed.weight", src_embed)

    enc = spec.encoder
    enc.embeddings[0].weight = src_embed
    enc.position_encodings.encodings = table
    for i, layer in enumerate(enc.layer):
        p = f"encoder{i}."
        _self_attention(layer.self_attention, w, p)
        _ffn(layer.ffn, w, p, "norm2")
    dec = spec.decoder
    dec.embeddings.weight = tgt_embed
    dec.position_encodings.encodings = table
    for i, layer in enumerate(dec.layer):
        p = f"decoder{i}."
        _self_attention(layer.self_attention, w, p)
        _linear(layer.attention.linear[0], w, p + "cross_attention.q_proj")
        _fused(layer.attention.linear[1], w, p + "cross_attention.", "kv")
        _linear(layer.attention.linear[2], w, p + "cross_attention.out_proj")
        _norm(layer.attention.layer_norm, w, p + "norm2")
        _ffn(layer.ffn, w, p, "norm3")
    if pre_norm:
        _norm(enc.layer_norm, w, "encoder_norm")
        _norm(dec.layer_norm, w, "decoder_norm")
    dec.projection.weight = w.get("output_weight", tgt_embed)
    dec.projection.bias = w["output_bias"]

    pieces = lambda sp: [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    spec.register_source_vocabulary(pieces(source))
    spec.register_target_vocabulary(pieces(target))
    spec.config.unk_token = target.id_to_piece(1)
    spec.config.bos_token = target.id_to_piece(2)
    spec.config.eos_token = target.id_to_piece(3)
    spec.config.decoder_start_token = target.id_to_piece(2)
    spec.config.add_source_eos = True
    spec.config.layer_norm_epsilon = 1e-5
    return spec


def convert(exported_dir, out_dir, quantization=None, force=False):
    """Writes OUT_DIR (model.bin, config.json, the vocabulary, the SentencePiece model(s))."""
    if os.path.isdir(out_dir) and os.listdir(out_dir) and not force:
        raise ConversionError(f"{out_dir}: not empty (holds {sorted(os.listdir(out_dir))[0]}); "
                              "choose a new directory or pass --force to replace files of the same names")
    config, weights, (source, target) = _read_export(exported_dir)
    try:
        spec = build_spec(config, weights, source, target)
    except KeyError as e:
        raise ConversionError(f"{exported_dir}/weights.pt: no tensor {e} (not an nmt Transformer export?)")
    spec.validate()
    spec.optimize(quantization=quantization)
    os.makedirs(out_dir, exist_ok=True)
    spec.save(out_dir)
    for name in ("spm.model", "spm.src.model", "spm.tgt.model"):
        path = os.path.join(exported_dir, name)
        if os.path.isfile(path):
            with open(path, "rb") as f_in, open(os.path.join(out_dir, name), "wb") as f_out:
                f_out.write(f_in.read())
    with open(os.path.join(out_dir, "nmt.json"), "w", encoding="utf-8") as f:
        json.dump({"vocabulary": config["vocabulary"], "decoding": config["decoding"],
                   "languages": config.get("languages"), "quantization": quantization or "float32",
                   "ctranslate2": ctranslate2.__version__}, f, indent=1)
        f.write("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m nmt_ctranslate2.convert", description=__doc__.split("\n\n")[0])
    parser.add_argument("exported", help="directory written by nmt-export --to pytorch")
    parser.add_argument("out", help="the CTranslate2 model directory to write (new or empty)")
    parser.add_argument("--quantization", choices=["float32", "int8", "int8_float32", "int16"], default=None,
                        help="weights stored as (default: float32); CTranslate2 can also convert at load time")
    parser.add_argument("--force", action="store_true", help="write into a non-empty directory")
    args = parser.parse_args(argv)
    try:
        convert(args.exported, args.out, args.quantization, args.force)
    except ConversionError as e:
        print(f"nmt_ctranslate2.convert: {e}", file=sys.stderr)
        return 2
    print(f"nmt_ctranslate2.convert: wrote {args.out} (CTranslate2 {ctranslate2.__version__})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
