import pytest
import torch

from alignlab import ParameterError
from alignlab.tripwire.transformer import ModelConfig, Transformer, hook_names


@pytest.fixture()
def model():
    torch.manual_seed(0)
    return Transformer(ModelConfig(vocab_size=30, context=8, d_model=16, n_layers=2, n_heads=2, d_mlp=32)).eval()


def test_hook_points_are_named_like_transformerlens(model):
    names = set(model.hook_dict)
    assert {"hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre", "blocks.1.hook_resid_post",
            "blocks.0.attn.hook_pattern", "blocks.1.hook_mlp_out", "ln_final.hook_normalized"} <= names
    assert set(hook_names(2)) <= names


def test_cache_holds_the_activations_the_logits_come_from(model):
    tokens = torch.randint(0, 30, (3, 6))
    logits, cache = model.run_with_cache(tokens)
    assert torch.allclose(cache["hook_embed"], model.embed(tokens))
    assert torch.allclose(cache["blocks.0.hook_resid_post"], cache["blocks.1.hook_resid_pre"])
    assert torch.allclose(model.unembed(model.ln_final(cache["blocks.1.hook_resid_post"])), logits, atol=1e-6)
    pattern = cache["blocks.0.attn.hook_pattern"]
    assert torch.allclose(pattern.sum(-1), torch.ones(3, 2, 6))
    assert torch.all(pattern.triu(1) == 0)                      # causal


def test_a_hook_can_replace_an_activation_and_is_removed_after(model):
    tokens = torch.randint(0, 30, (2, 5))
    base = model(tokens)
    zeroed = model.run_with_hooks(tokens, [("blocks.1.hook_mlp_out", lambda x, t: torch.zeros_like(x))])
    assert not torch.allclose(base, zeroed)
    assert torch.allclose(model(tokens), base)                  # temporary hook gone


def test_later_tokens_do_not_change_earlier_logits(model):
    a = torch.tensor([[1, 2, 3, 4, 5]])
    b = torch.tensor([[1, 2, 3, 9, 9]])
    assert torch.allclose(model(a)[:, :3], model(b)[:, :3], atol=1e-6)


def test_unknown_hook_and_bad_sizes_are_parameter_errors(model):
    with pytest.raises(ParameterError, match="hook"):
        model.run_with_cache(torch.zeros(1, 2, dtype=torch.long), ["blocks.7.hook_resid_post"])
    with pytest.raises(ParameterError, match="n_heads"):
        ModelConfig(vocab_size=10, context=4, d_model=10, n_heads=3)
    with pytest.raises(ParameterError, match="d_model"):
        ModelConfig(vocab_size=10, context=4, d_model=-8)
