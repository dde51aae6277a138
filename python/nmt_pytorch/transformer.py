"""The Transformer of nmt (models/transformer_*.cpp, multi_head_attention.cpp):
post-norm or pre-norm layers, one shared embedding scaled by sqrt(d_model),
sinusoidal positions, and a decoder whose steps cache their keys and values."""
import math

import torch
from torch.nn.functional import layer_norm, linear, relu

from .attention import scaled_dot_product
from .state import has_padding, sentences_of_rows


def sinusoidal_table(positions, dim):
    """[positions, dim]: sin on even dimensions, cos on odd ones (computed in
    float64, as nmt does, then float32)."""
    position = torch.arange(positions, dtype=torch.float64).unsqueeze(1)
    even = torch.arange(0, dim, 2, dtype=torch.float64)
    angle = position * torch.exp(even * (-math.log(10000.0) / dim))
    table = torch.zeros(positions, dim, dtype=torch.float64)
    table[:, 0::2] = angle.sin()
    table[:, 1::2] = angle.cos()[:, : dim // 2]
    return table.to(torch.float32)


class MultiHeadAttention:
    def __init__(self, w, prefix, heads):
        self.q_w, self.q_b = w[prefix + "q_proj.weight"], w[prefix + "q_proj.bias"]
        self.k_w, self.k_b = w[prefix + "k_proj.weight"], w[prefix + "k_proj.bias"]
        self.v_w, self.v_b = w[prefix + "v_proj.weight"], w[prefix + "v_proj.bias"]
        self.out_w, self.out_b = w[prefix + "out_proj.weight"], w[prefix + "out_proj.bias"]
        self.heads = heads
        self.head_dim = self.q_w.size(0) // heads
        # nmt projects several of q, k, v of one input in one product.
        self.qkv_w = torch.cat([self.q_w, self.k_w, self.v_w])
        self.qkv_b = torch.cat([self.q_b, self.k_b, self.v_b])
        self.kv_w = torch.cat([self.k_w, self.v_w])
        self.kv_b = torch.cat([self.k_b, self.v_b])

    def split_heads(self, x):  # [B, T, D] -> [B, heads, T, head_dim]
        return x.view(x.size(0), x.size(1), self.heads, self.head_dim).transpose(1, 2)

    def project_self(self, x):
        return [self.split_heads(p) for p in linear(x, self.qkv_w, self.qkv_b).chunk(3, -1)]

    def project_key_value(self, memory):
        return [self.split_heads(p) for p in linear(memory, self.kv_w, self.kv_b).chunk(2, -1)]

    def attend_projected(self, queries, keys, values, mask):
        context, weights = scaled_dot_product(queries, keys, values, mask)
        batch, length = queries.size(0), queries.size(2)
        context = context.transpose(1, 2).reshape(batch, length, self.heads * self.head_dim)
        return linear(context, self.out_w, self.out_b), weights

    def attend(self, query, keys, values, mask):
        return self.attend_projected(self.split_heads(linear(query, self.q_w, self.q_b)), keys, values, mask)


class Layer:
    """Residual connections with layer norm after the sum (post-norm) or
    before the sublayer (pre-norm); the feed-forward network."""

    def __init__(self, w, prefix, norms, pre_norm):
        self.norms = [(w[f"{prefix}{n}.weight"], w[f"{prefix}{n}.bias"]) for n in norms]
        self.ff = [w[prefix + "feed_forward." + p] for p in ("inner.weight", "inner.bias", "outer.weight", "outer.bias")]
        self.pre_norm = pre_norm

    def residual(self, x, norm, sublayer):
        weight, bias = self.norms[norm]
        if self.pre_norm:
            return x + sublayer(layer_norm(x, (x.size(-1),), weight, bias))
        return layer_norm(x + sublayer(x), (x.size(-1),), weight, bias)

    def feed_forward(self, x):
        inner_w, inner_b, outer_w, outer_b = self.ff
        return linear(relu(linear(x, inner_w, inner_b)), outer_w, outer_b)


class EncoderLayer(Layer):
    def __init__(self, w, prefix, heads, pre_norm):
        super().__init__(w, prefix, ("norm1", "norm2"), pre_norm)
        self.self_attention = MultiHeadAttention(w, prefix + "self_attention.", heads)

    def __call__(self, x, mask):
        def attend(h):
            q, k, v = self.self_attention.project_self(h)
            return self.self_attention.attend_projected(q, k, v, mask)[0]

        return self.residual(self.residual(x, 0, attend), 1, self.feed_forward)


class DecoderLayer(Layer):
    def __init__(self, w, prefix, heads, pre_norm):
        super().__init__(w, prefix, ("norm1", "norm2", "norm3"), pre_norm)
        self.self_attention = MultiHeadAttention(w, prefix + "self_attention.", heads)
        self.cross_attention = MultiHeadAttention(w, prefix + "cross_attention.", heads)

    def __call__(self, x, cache, memory, memory_mask):
        """x [B, 1, D]: one new position per row. cache: this layer's keys and
        values so far ([B, heads, t, head_dim] each, or None), extended here.
        memory: (keys, values), one row per sentence; B may be a multiple."""
        def attend_self(h):
            q, k, v = self.self_attention.project_self(h)
            if cache["keys"] is not None:
                k, v = torch.cat([cache["keys"], k], 2), torch.cat([cache["values"], v], 2)
            cache["keys"], cache["values"] = k, v
            return self.self_attention.attend_projected(q, k, v, None)[0]

        def attend_memory(h):
            rows, length, sentences = h.size(0), h.size(1), memory[0].size(0)
            grouped = h.reshape(sentences, rows // sentences * length, h.size(2))
            out, _ = self.cross_attention.attend(grouped, memory[0], memory[1], memory_mask)
            return out.reshape(rows, length, out.size(2))

        h = self.residual(x, 0, attend_self)
        h = self.residual(h, 1, attend_memory)
        return self.residual(h, 2, self.feed_forward)


class TransformerState:
    def __init__(self, caches, memory, memory_mask, beam):
        self.caches, self.memory, self.memory_mask, self.beam = caches, memory, memory_mask, beam
        self.padded = has_padding(memory_mask)
        self.position = 0

    def step_mask(self):
        return self.memory_mask if self.padded else None

    def select(self, indices):
        for cache in self.caches:
            if cache["keys"] is not None:
                cache["keys"], cache["values"] = cache["keys"][indices], cache["values"][indices]
        sentences, unchanged = sentences_of_rows(indices, self.beam, self.memory_mask.size(0))
        if unchanged:
            return
        self.memory = [(k.index_select(0, sentences), v.index_select(0, sentences)) for k, v in self.memory]
        self.memory_mask = self.memory_mask.index_select(0, sentences)


class Transformer:
    def __init__(self, config, w):
        m = config["model"]
        self.dim, self.pre_norm = m["embedding_dim"], m["pre_norm"]
        self.src_embed = w["src_embed.weight"]
        self.tgt_embed = w.get("tgt_embed.weight", self.src_embed)
        self.output_weight = w.get("output_weight", self.tgt_embed)
        self.output_bias = w["output_bias"]
        self.encoder = [EncoderLayer(w, f"encoder{i}.", m["heads"], self.pre_norm) for i in range(m["encoder_layers"])]
        self.decoder = [DecoderLayer(w, f"decoder{i}.", m["heads"], self.pre_norm) for i in range(m["decoder_layers"])]
        if self.pre_norm:
            self.encoder_norm = (w["encoder_norm.weight"], w["encoder_norm.bias"])
            self.decoder_norm = (w["decoder_norm.weight"], w["decoder_norm.bias"])
        self.positions = sinusoidal_table(512, self.dim)

    def embed(self, table, tokens, offset):
        needed = offset + tokens.size(1)
        if needed > self.positions.size(0):
            self.positions = sinusoidal_table(max(needed, 2 * self.positions.size(0)), self.dim)
        scaled = torch.nn.functional.embedding(tokens, table) * math.sqrt(self.dim)
        return scaled + self.positions[offset:needed]

    def encode(self, src, src_lengths):
        mask = src.ne(0)
        x = self.embed(self.src_embed, src, 0)
        for layer in self.encoder:
            x = layer(x, mask.unsqueeze(1).unsqueeze(1))
        if self.pre_norm:
            x = layer_norm(x, (self.dim,), *self.encoder_norm)
        return {"states": x, "mask": mask}

    def start(self, memory, beam):
        projected = [layer.cross_attention.project_key_value(memory["states"]) for layer in self.decoder]
        caches = [{"keys": None, "values": None} for _ in self.decoder]
        return TransformerState(caches, projected, memory["mask"].unsqueeze(1).unsqueeze(1), beam)

    def step(self, prev_tokens, state):
        x = self.embed(self.tgt_embed, prev_tokens.unsqueeze(1), state.position)
        state.position += 1
        for layer, cache, memory in zip(self.decoder, state.caches, state.memory):
            x = layer(x, cache, memory, state.step_mask())
        if self.pre_norm:
            x = layer_norm(x, (self.dim,), *self.decoder_norm)
        return linear(x, self.output_weight, self.output_bias).squeeze(1)
