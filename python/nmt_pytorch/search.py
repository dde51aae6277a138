"""Greedy and beam search over a model's encode/start/step, as nmt's
app/decode/search.cpp and beam_search.cpp do them (same stopping rules, same
GNMT length penalty), so that both give the same translations."""
import math

import torch

BOS, EOS = 2, 3


def max_output_lengths(src_lengths, a, b):
    """Most output tokens per sentence (EOS not counted): a * source tokens + b."""
    return [int(a * (n - 1)) + b for n in src_lengths.tolist()]


def length_penalty(length, alpha):
    return 1.0 if alpha == 0 else ((5.0 + length) / 6.0) ** alpha


def greedy(model, src, src_lengths, a, b):
    """Token lists (without BOS and EOS) and log-probabilities, per sentence."""
    batch = src.size(0)
    state = model.start(model.encode(src, src_lengths), 1)
    tokens, log_probs = [[] for _ in range(batch)], [0.0] * batch
    max_len = max_output_lengths(src_lengths, a, b)
    active = list(range(batch))  # row r of the state is sentence active[r]
    prev = torch.full((batch,), BOS, dtype=torch.int64)
    t = 0
    while t <= max(max_len) and active:
        lp = model.step(prev, state).log_softmax(-1)
        best_lp, best = lp.max(-1)
        eos_lp = lp[:, EOS].tolist()
        keep, still = [], []
        for r, (i, token, value) in enumerate(zip(active, best.tolist(), best_lp.tolist())):
            if t == max_len[i] and token != EOS:
                token, value = EOS, eos_lp[r]
            log_probs[i] += value
            if token == EOS:
                continue
            tokens[i].append(token)
            keep.append(r)
            still.append(i)
        if len(still) != len(active) and still:
            rows = torch.tensor(keep, dtype=torch.int64)
            state.select(rows)
            best = best.index_select(0, rows)
        active, prev, t = still, best, t + 1
    return [(tokens[i], log_probs[i]) for i in range(batch)]


class _Beam:
    """One step's bookkeeping, as nmt's BeamSearch class."""

    def __init__(self, model, src, src_lengths, k, alpha, a, b):
        self.model, self.k, self.alpha = model, k, alpha
        batch = src.size(0)
        self.state = model.start(model.encode(src, src_lengths), k)
        self.max_len = max_output_lengths(src_lengths, a, b)
        self.finished = [[] for _ in range(batch)]
        self.active = list(range(batch))
        # (tokens, log-probability); only each sentence's first row is live at the start.
        self.live = [([], 0.0 if r % k == 0 else -math.inf) for r in range(batch * k)]
        self.prev = torch.full((batch * k,), BOS, dtype=torch.int64)

    def finish(self, sentence, tokens, log_prob):
        score = log_prob / length_penalty(len(tokens) + 1, self.alpha)
        self.finished[sentence].append((score, log_prob, tokens))

    def sentence_done(self, sentence, best_live):
        # Without a length penalty only the best is needed (exact: scores only fall).
        needed = 1 if self.alpha == 0 else self.k
        done = self.finished[sentence]
        if len(done) < needed:
            return False
        nth = sorted((s for s, _, _ in done), reverse=True)[needed - 1]
        tokens, log_prob = best_live
        return log_prob / length_penalty(len(tokens) + 1, self.alpha) <= nth

    def run(self):
        k, t = self.k, 0
        while self.active:
            log_probs = self.model.step(self.prev, self.state).log_softmax(-1)  # [A*k, V]
            groups, vocab = len(self.active), log_probs.size(1)
            width = min(2 * k, k * vocab)
            per_row = min(width, vocab)
            live_scores = torch.tensor([lp for _, lp in self.live], dtype=torch.float32)
            row_lp, row_token = log_probs.topk(per_row, 1)
            total = (row_lp + live_scores.unsqueeze(1)).view(groups, k * per_row)
            top_total, top_slot = total.topk(width, 1)
            top_token = row_token.view(groups, k * per_row).gather(1, top_slot)
            step_lp = row_lp.view(groups, k * per_row).gather(1, top_slot).to(torch.float64).tolist()
            index = (torch.div(top_slot, per_row, rounding_mode="floor") * vocab + top_token).tolist()
            top_total = top_total.tolist()
            eos_lp = log_probs[:, EOS].to(torch.float64).tolist()
            next_live, next_rows, next_tokens, next_active = [], [], [], []
            for g, sentence in enumerate(self.active):
                if t >= self.max_len[sentence]:  # out of length: every live row ends here
                    for row in range(g * k, (g + 1) * k):
                        tokens, lp = self.live[row]
                        if lp != -math.inf:
                            self.finish(sentence, list(tokens), lp + eos_lp[row])
                    continue
                kept, rows, toks = [], [], []
                for j in range(width):
                    if len(kept) >= k or not math.isfinite(top_total[g][j]):
                        break
                    row, token = g * k + index[g][j] // vocab, index[g][j] % vocab
                    tokens, lp = self.live[row]
                    lp = lp + step_lp[g][j]
                    if token == EOS:
                        self.finish(sentence, list(tokens), lp)
                    else:
                        kept.append((tokens + [token], lp))
                        rows.append(row)
                        toks.append(token)
                if not kept or self.sentence_done(sentence, kept[0]):
                    continue
                while len(kept) < k:  # fill the group with dead copies
                    kept.append((kept[0][0], -math.inf))
                    rows.append(rows[0])
                    toks.append(toks[0])
                next_live += kept
                next_rows += rows
                next_tokens += toks
                next_active.append(sentence)
            if not next_active:
                break
            self.state.select(torch.tensor(next_rows, dtype=torch.int64))
            self.prev = torch.tensor(next_tokens, dtype=torch.int64)
            self.live, self.active, t = next_live, next_active, t + 1
        out = []
        for hyps in self.finished:
            hyps.sort(key=lambda h: -h[0])  # stable: ties keep their order
            out.append([(tokens, score, log_prob) for score, log_prob, tokens in hyps])
        return out


def beam(model, src, src_lengths, k, alpha, a, b):
    """Per sentence, its finished hypotheses best first: (tokens, score, log-probability)."""
    return _Beam(model, src, src_lengths, k, alpha, a, b).run()
