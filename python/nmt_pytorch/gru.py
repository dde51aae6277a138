"""The GRU encoder and the Bahdanau-attention decoder of nmt
(models/gru_*.cpp, bahdanau_decoder.cpp): a bidirectional GRU over the
source; a decoder GRU whose input is the target embedding and the attention
context, queried with its previous top-layer state; a deep-output readout."""
import torch
from torch.nn.functional import embedding, linear

from .attention import additive
from .state import has_padding, sentences_of_rows


def gru_cell(input_gates, hidden_gates, hidden):
    """The new state from the input's and the state's gate products [B, 3H] (r, z, n)."""
    size = hidden.size(-1)
    i = input_gates.split([2 * size, size], -1)
    h = hidden_gates.split([2 * size, size], -1)
    r, z = (i[0] + h[0]).sigmoid().chunk(2, -1)
    n = torch.addcmul(i[1], r, h[1]).tanh()
    return torch.lerp(n, hidden, z)


class Encoder:
    def __init__(self, w, layers, bidirectional):
        self.directions = 2 if bidirectional else 1
        suffixes = ["", "_reverse"][: self.directions]
        self.layers = []
        for l in range(layers):
            names = [f"encoder.gru.{{}}_l{l}{s}" for s in suffixes]
            get = lambda kind: [w[n.format(kind)] for n in names]  # noqa: E731
            self.layers.append({kind: torch.cat(get(kind)) for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
        self.hidden = w["encoder.gru.weight_hh_l0"].size(1)

    def in_step_order(self, t):
        """[B, S, dirs, X] -> [S, dirs, B, X], the backward direction reversed in time."""
        steps = t.permute(1, 2, 0, 3)
        if self.directions == 1:
            return steps.contiguous()
        return torch.stack([steps[:, 0], steps[:, 1].flip(0)], 1)

    def run_layer(self, p, x, step_mask):
        batch, length, size, dirs = x.size(0), x.size(1), self.hidden, self.directions
        input_gates = self.in_step_order(linear(x, p["weight_ih"], p["bias_ih"]).view(batch, length, dirs, 3 * size))
        w_hh = p["weight_hh"].view(dirs, 3 * size, size).transpose(1, 2)
        b_hh = p["bias_hh"].view(dirs, 1, 3 * size)
        hidden = torch.zeros(dirs, batch, size)
        outputs = []
        for t, gates in enumerate(input_gates.unbind(0)):
            new = gru_cell(gates, torch.baddbmm(b_hh, hidden, w_hh), hidden)
            # Past its sentence's end a forward state keeps its value; before
            # its sentence's last token a backward state stays zero.
            hidden = torch.where(step_mask[t], new, hidden) if step_mask is not None else new
            outputs.append(hidden)
        states = torch.stack(outputs)  # [S, dirs, B, H]
        if dirs == 2:
            states = torch.cat([states[:, 0], states[:, 1].flip(0)], -1)
        else:
            states = states[:, 0]
        return states.transpose(0, 1), hidden

    def __call__(self, embedded, lengths):
        length = embedded.size(1)
        mask = torch.arange(length).unsqueeze(0) < lengths.unsqueeze(1)
        step_mask = None
        if has_padding(mask):
            step_mask = self.in_step_order(mask.unsqueeze(-1).unsqueeze(-1).expand(-1, -1, self.directions, 1))
        x, final = embedded, None
        for p in self.layers:
            x, final = self.run_layer(p, x, step_mask)
        final = torch.cat([final[0], final[1]], -1) if self.directions == 2 else final[0]
        if step_mask is not None:
            x = x * mask.unsqueeze(-1).to(x.dtype)
        return x, final


class GruState:
    def __init__(self, hidden, memory, projected_keys, mask, beam):
        self.hidden, self.memory, self.projected_keys, self.mask, self.beam = hidden, memory, projected_keys, mask, beam
        self.padded = has_padding(mask)

    def step_mask(self):
        return self.mask if self.padded else None

    def select(self, indices):
        self.hidden = self.hidden.index_select(1, indices)
        sentences, unchanged = sentences_of_rows(indices, self.beam, self.mask.size(0))
        if unchanged:
            return
        self.memory = self.memory.index_select(0, sentences)
        self.projected_keys = self.projected_keys.index_select(0, sentences)
        self.mask = self.mask.index_select(0, sentences)


class GruBahdanau:
    def __init__(self, config, w):
        m = config["model"]
        self.src_embed = w["src_embed.weight"]
        self.tgt_embed = w.get("tgt_embed.weight", self.src_embed)
        self.output_weight = w.get("output_weight", self.tgt_embed)
        self.output_bias = w["output_bias"]
        self.encoder = Encoder(w, m["encoder_layers"], m["bidirectional"])
        self.bridge = (w["bridge.weight"], w["bridge.bias"])
        self.w_q = w["decoder.attention.W_q.weight"]
        self.w_k = w["decoder.attention.W_k.weight"]
        self.w_v = w["decoder.attention.w_v.weight"]
        self.decoder = [
            tuple(w[f"decoder.gru.{kind}_l{l}"] for kind in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"))
            for l in range(m["decoder_layers"])
        ]
        self.pre_output = (w["pre_output.weight"], w["pre_output.bias"])

    def encode(self, src, src_lengths):
        states, final = self.encoder(embedding(src, self.src_embed), src_lengths)
        return {"states": states, "mask": src.ne(0), "summary": torch.tanh(linear(final, *self.bridge))}

    def start(self, memory, beam):
        summary = memory["summary"] if beam == 1 else memory["summary"].repeat_interleave(beam, 0)
        hidden = summary.unsqueeze(0).repeat(len(self.decoder), 1, 1).contiguous()
        projected_keys = linear(memory["states"], self.w_k)
        return GruState(hidden, memory["states"], projected_keys, memory["mask"], beam)

    def step(self, prev_tokens, state):
        embedded = embedding(prev_tokens, self.tgt_embed)
        rows, sentences = state.hidden.size(1), state.memory.size(0)
        # The previous top-layer states of a sentence's hypotheses are its queries.
        query = state.hidden[-1].view(sentences, rows // sentences, state.hidden.size(2))
        context, _ = additive(self.w_q, self.w_v, query, state.projected_keys, state.memory, state.step_mask())
        context = context.reshape(rows, context.size(2))
        new_states, output = [], None
        for l, (w_ih, b_ih, w_hh, b_hh) in enumerate(self.decoder):
            layer_input = torch.cat([embedded, context], -1) if l == 0 else output
            output = gru_cell(linear(layer_input, w_ih, b_ih), linear(state.hidden[l], w_hh, b_hh), state.hidden[l])
            new_states.append(output)
        state.hidden = output.unsqueeze(0) if len(new_states) == 1 else torch.stack(new_states)
        readout = torch.tanh(linear(torch.cat([output, context, embedded], -1), *self.pre_output))
        return linear(readout, self.output_weight, self.output_bias)
