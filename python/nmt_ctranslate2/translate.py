"""Translate with a CTranslate2 model written by nmt_ctranslate2.convert, as
nmt-translate does: SentencePiece pieces in, sentences batched shortest first,
each sentence's length limit nmt's (max_length_a * source tokens + max_length_b):

    python3 -m nmt_ctranslate2.translate --model CT2_DIR [--beam K] < test.de > hyp.en

Translations go to standard output, one per line; a closing line on standard
error says how many sentences were translated and how fast (model loading left
out). Length penalty: CTranslate2 divides a hypothesis's score by length^beta
(--length-penalty), nmt by GNMT's ((5 + length) / 6)^alpha: the two agree only
at 0, the default here.
"""
import argparse
import json
import os
import sys
import time

import ctranslate2
import sentencepiece


class Translator:
    def __init__(self, model_dir, compute_type="default", threads=0):
        with open(os.path.join(model_dir, "nmt.json"), encoding="utf-8") as f:
            self.nmt = json.load(f)
        joint = self.nmt["vocabulary"]["joint"]
        spm = lambda name: sentencepiece.SentencePieceProcessor(model_file=os.path.join(model_dir, name))
        self.source = spm("spm.model" if joint else "spm.src.model")
        self.target = self.source if joint else spm("spm.tgt.model")
        self.engine = ctranslate2.Translator(model_dir, device="cpu", compute_type=compute_type,
                                             intra_threads=threads, inter_threads=1)

    def translate(self, sentences, beam_size=None, batch_size=None, length_penalty=0.0):
        decoding = self.nmt["decoding"]
        k = beam_size or decoding["beam_size"]
        batch_size = batch_size or decoding["batch_size"]
        a, b = decoding["max_length_a"], decoding["max_length_b"]
        pieces = [self.source.encode(s, out_type=str) for s in sentences]
        order = sorted((i for i in range(len(pieces)) if pieces[i]), key=lambda i: len(pieces[i]))
        out = [""] * len(sentences)
        for first in range(0, len(order), batch_size):
            members = order[first:first + batch_size]
            # nmt's limit is each sentence's own and counts tokens without </s>;
            # CTranslate2 takes one per call and counts steps with </s>: the
            # batch's longest, and a longer hypothesis cut at its sentence's
            # (where nmt's search ends it; exactly so for greedy search).
            limits = {i: int(a * len(pieces[i])) + b for i in members}
            results = self.engine.translate_batch([pieces[i] for i in members], beam_size=k,
                                                  length_penalty=length_penalty,
                                                  max_decoding_length=max(limits.values()) + 1,
                                                  max_input_length=0)
            for i, result in zip(members, results):
                out[i] = self.target.decode(result.hypotheses[0][:limits[i]])
        return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m nmt_ctranslate2.translate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="directory written by nmt_ctranslate2.convert")
    parser.add_argument("--beam", type=int, default=None, help="beam size (1 = greedy; default: the model's)")
    parser.add_argument("--batch-size", type=int, default=None, help="sentences per batch (default: the model's)")
    parser.add_argument("--threads", type=int, default=0, help="CTranslate2's threads (0: its default)")
    parser.add_argument("--compute-type", default="default",
                        help="float32, int8, int8_float32, ... (default: as the model was converted)")
    parser.add_argument("--length-penalty", type=float, default=0.0, help="CTranslate2's beta (default 0)")
    parser.add_argument("--single", action="store_true", help="one sentence at a time")
    parser.add_argument("sentences", nargs="*", help="sentences to translate (default: standard input)")
    args = parser.parse_args(argv)
    if args.beam is not None and args.beam < 1:
        parser.error(f"--beam must be at least 1 (got {args.beam})")
    try:
        translator = Translator(args.model, args.compute_type, args.threads)
    except (OSError, ValueError, RuntimeError) as e:
        print(f"nmt_ctranslate2.translate: {args.model}: {e}", file=sys.stderr)
        return 1
    sentences = args.sentences or [line.rstrip("\r\n") for line in sys.stdin]
    started = time.perf_counter()
    if args.single:
        translations = [translator.translate([s], args.beam, 1, args.length_penalty)[0] for s in sentences]
    else:
        translations = translator.translate(sentences, args.beam, args.batch_size, args.length_penalty)
    seconds = time.perf_counter() - started
    sys.stdout.write("".join(t + "\n" for t in translations))
    rate = len(sentences) / seconds if seconds > 0 else 0.0
    print(f"translated {len(sentences)} sentences in {seconds:.2f} s ({rate:.1f} sentences/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
