"""Reading a directory written by `nmt-export --to pytorch`."""
import json
import os
from dataclasses import dataclass

import sentencepiece
import torch

from .gru import GruBahdanau
from .transformer import Transformer

FORMAT, VERSION = "nmt-pytorch", 1
ARCHITECTURES = {"gru": GruBahdanau, "transformer": Transformer}


class ExportError(Exception):
    """A directory that is not a readable export; the message names the file."""


@dataclass
class ExportedModel:
    config: dict
    model: object  # GruBahdanau or Transformer
    source: sentencepiece.SentencePieceProcessor
    target: sentencepiece.SentencePieceProcessor


def _processor(path):
    if not os.path.isfile(path):
        raise ExportError(f"{path}: SentencePiece model not found")
    return sentencepiece.SentencePieceProcessor(model_file=path)


def read(directory):
    """An exported directory's config, weights (checked against the config's
    shapes) and SentencePiece processor(s): (config, weights, source, target)."""
    config_path = os.path.join(directory, "config.json")
    try:
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
    except FileNotFoundError:
        raise ExportError(f"{config_path}: not found (is {directory} written by nmt-export --to pytorch?)") from None
    except json.JSONDecodeError as e:
        raise ExportError(f"{config_path}:{e.lineno}: not JSON ({e.msg})") from None
    if config.get("format") != FORMAT or config.get("version") != VERSION:
        raise ExportError(f"{config_path}: format {config.get('format')!r} version {config.get('version')!r}; "
                          f"this package reads {FORMAT!r} version {VERSION}")
    kind = config["model"]["type"]
    if kind not in ARCHITECTURES:
        raise ExportError(f"{config_path}: unknown model type {kind!r} (expected one of {sorted(ARCHITECTURES)})")
    weights_path = os.path.join(directory, "weights.pt")
    if not os.path.isfile(weights_path):
        raise ExportError(f"{weights_path}: not found")
    weights = torch.load(weights_path, map_location="cpu")
    for name, shape in config["weights"].items():
        if name not in weights or list(weights[name].shape) != shape:
            found = list(weights[name].shape) if name in weights else "missing"
            raise ExportError(f"{weights_path}: {name} should have shape {shape} (config.json), found {found}")
    if config["vocabulary"]["joint"]:
        source = target = _processor(os.path.join(directory, "spm.model"))
    else:
        source = _processor(os.path.join(directory, "spm.src.model"))
        target = _processor(os.path.join(directory, "spm.tgt.model"))
    return config, weights, source, target


def load(directory):
    """The model of an exported directory, with its tokenizer(s)."""
    config, weights, source, target = read(directory)
    return ExportedModel(config, ARCHITECTURES[config["model"]["type"]](config, weights), source, target)
