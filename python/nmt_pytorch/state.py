"""What the two models share between decoding steps."""
import torch


def sentences_of_rows(indices, beam, sentences):
    """For rows `indices` in groups of `beam` (one sentence each): the sentence
    of each group, and whether that is every sentence in order."""
    kept = torch.div(indices.view(-1, beam)[:, 0], beam, rounding_mode="floor")
    unchanged = kept.size(0) == sentences and bool(torch.equal(kept, torch.arange(sentences)))
    return kept, unchanged


def has_padding(mask):
    return not bool(mask.all())
