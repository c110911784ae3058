"""Untrusted YAML is bounded before it is parsed (issue 12: a 100,000-deep list
segfaulted PyYAML's C composer; 20,000 levels gave a RecursionError; a 5,000-digit
integer a ValueError traceback)."""
import pytest
from remerkleable.basic import uint64

from beacon.config import minimal
from beacon.types import get_types
from ssz.errors import SSZValueError
from ssz.plain import _show, serialize
from ssz.yaml_codec import YAMLLimitError, from_yaml, load_yaml_bounded

T = get_types(minimal)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "- " * 100_000 + "1",
                                  "{a: " * 70 + "1" + "}" * 70])
def test_too_deep_is_refused_before_composing(text):
    with pytest.raises(YAMLLimitError, match="deeper than 64"):
        load_yaml_bounded(text)


def test_depth_at_the_limit_loads():
    assert load_yaml_bounded("[" * 64 + "]" * 64) is not None


def test_size_is_bounded():
    with pytest.raises(YAMLLimitError, match="over the limit"):
        load_yaml_bounded("a: 1\n" * 100, max_bytes=100)


def test_huge_integer_is_a_limit_error_not_a_traceback():
    with pytest.raises(YAMLLimitError, match="out of range"):
        load_yaml_bounded("slot: " + "9" * 5000)


def test_from_yaml_uses_the_bounded_loader():
    with pytest.raises(YAMLLimitError):
        from_yaml(T.Checkpoint, "[" * 1000 + "]" * 1000)


def test_huge_values_give_typed_errors():
    with pytest.raises(SSZValueError, match="out of range"):
        serialize(uint64, "9" * 5000)
    with pytest.raises(SSZValueError, match="out of range"):
        serialize(uint64, 10**5000)


def test_show_never_raises_on_deep_or_huge_values():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert len(_show(deep)) <= 60
    assert "bits" in _show(10**5000)
