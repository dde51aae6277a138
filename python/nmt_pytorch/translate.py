"""Translate with a model exported by `nmt-export --to pytorch`:

    python3 -m nmt_pytorch.translate --model OUT [--beam K] "Ein Mann fährt Fahrrad."
    python3 -m nmt_pytorch.translate --model OUT --beam 5 < test.de > hyp.en

Sentences come from the command line, or one per line from standard input;
translations go to standard output, one per line. Sentences are batched as
nmt-translate batches them (shortest first, decoding.batch_size at a time).
"""
import argparse
import sys
import time

import torch

from . import search
from .model_dir import ExportError, load

SPECIAL = {0, 2, 3}  # pad, bos, eos: never printed


def translate(exported, sentences, beam_size=None, batch_size=None):
    """Translations of `sentences` (strings), in their order."""
    decoding = exported.config["decoding"]
    k = beam_size or decoding["beam_size"]
    batch_size = batch_size or decoding["batch_size"]
    a, b = decoding["max_length_a"], decoding["max_length_b"]
    ids = [exported.source.encode(s) for s in sentences]
    order = sorted((i for i in range(len(ids)) if ids[i]), key=lambda i: len(ids[i]))
    out = [""] * len(sentences)
    with torch.inference_mode():
        for first in range(0, len(order), batch_size):
            members = order[first : first + batch_size]
            longest = max(len(ids[i]) for i in members) + 1
            src = torch.zeros(len(members), longest, dtype=torch.int64)
            for r, i in enumerate(members):
                src[r, : len(ids[i])] = torch.tensor(ids[i], dtype=torch.int64)
                src[r, len(ids[i])] = search.EOS
            lengths = torch.tensor([len(ids[i]) + 1 for i in members], dtype=torch.int64)
            if k == 1:
                best = [tokens for tokens, _ in search.greedy(exported.model, src, lengths, a, b)]
            else:
                hyps = search.beam(exported.model, src, lengths, k, decoding["length_penalty"], a, b)
                best = [h[0][0] for h in hyps]
            for i, tokens in zip(members, best):
                out[i] = exported.target.decode([t for t in tokens if t not in SPECIAL])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m nmt_pytorch.translate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="directory written by nmt-export --to pytorch")
    parser.add_argument("--beam", type=int, default=None, help="beam size (1 = greedy; default: the model's)")
    parser.add_argument("--batch-size", type=int, default=None, help="sentences per batch (default: the model's)")
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0 = torch's default)")
    parser.add_argument("sentences", nargs="*", help="sentences to translate (default: standard input)")
    args = parser.parse_args(argv)
    if args.beam is not None and args.beam < 1:
        parser.error(f"--beam must be at least 1 (got {args.beam})")
    if args.batch_size is not None and args.batch_size < 1:
        parser.error(f"--batch-size must be at least 1 (got {args.batch_size})")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        exported = load(args.model)
    except ExportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    sentences = args.sentences or [line.rstrip("\r\n") for line in sys.stdin]
    started = time.perf_counter()
    translations = translate(exported, sentences, args.beam, args.batch_size)
    seconds = time.perf_counter() - started
    sys.stdout.write("".join(t + "\n" for t in translations))
    rate = len(sentences) / seconds if seconds > 0 else 0.0
    print(f"translated {len(sentences)} sentences in {seconds:.2f} s ({rate:.1f} sentences/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
