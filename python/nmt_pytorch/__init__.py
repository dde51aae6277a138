"""nmt's models in PyTorch: translate with a directory written by `nmt-export --to pytorch`.

Standard library, torch and sentencepiece only. The modules mirror nmt's C++
ones operation for operation, so that fp32 greedy search gives the same
translations as `nmt-translate` (docs/export.md).
"""
from .model_dir import ExportedModel, load

__all__ = ["ExportedModel", "load"]
