"""Attention as nmt computes it (models/attention.cpp): masked softmax,
scaled dot-product and additive scoring."""
import math

import torch

# For this many query rows or fewer, nmt forms the products element-wise and
# sums, instead of a matrix product (a decoding step has one query per row).
FEW_QUERIES = 8


def masked_softmax(scores, key_mask):
    """Softmax over the last axis; keys where key_mask is False get weight 0."""
    blocked = key_mask.logical_not()
    weights = scores.masked_fill(blocked, float("-inf")).softmax(-1)
    return weights.masked_fill(blocked, 0.0)


def _few(queries):
    return queries.dim() >= 3 and queries.size(-2) <= FEW_QUERIES


def attention_scores(queries, keys):
    if not _few(queries):
        return torch.matmul(queries, keys.transpose(-2, -1))
    return (queries.unsqueeze(-2) * keys.unsqueeze(-3)).sum(-1)


def attention_mix(weights, values):
    if not _few(weights):
        return torch.matmul(weights, values)
    return (weights.unsqueeze(-1) * values.unsqueeze(-3)).sum(-2)


def scaled_dot_product(queries, keys, values, key_mask=None):
    """queries [B, h, Q, d], keys and values [B, h, K, d], key_mask broadcast to
    [B, h, Q, K] (True at real keys) or None. Returns (context, weights)."""
    scale = 1.0 / math.sqrt(queries.size(-1))
    scores = attention_scores(queries * scale, keys)
    weights = masked_softmax(scores, key_mask) if key_mask is not None else scores.softmax(-1)
    return attention_mix(weights, values), weights


def additive(w_q, w_v, queries, projected_keys, values, key_mask=None):
    """Bahdanau's scoring: queries [N, Q, Hq], projected keys [N, K, H] (keys
    times W_k), values [N, K, D]; key_mask [N, K] or None. Returns (context, weights)."""
    features = torch.tanh(torch.nn.functional.linear(queries, w_q).unsqueeze(2) + projected_keys.unsqueeze(1))
    scores = torch.nn.functional.linear(features, w_v).squeeze(-1)
    if key_mask is not None:
        weights = masked_softmax(scores, key_mask.unsqueeze(1))
    else:
        weights = scores.softmax(-1)
    return attention_mix(weights, values), weights
