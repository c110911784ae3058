"""`run --state-cache-size N` reaches the chain's hot state cache (issue 13, small boards)."""
import pytest

from beacon.cli.main import build_parser
from beacon.node.chain_open import open_chain
from beacon.node.options import NodeOptions, OptionsError
from tests.node.cluster import make_genesis


def test_flag_bounds_the_hot_state_cache(tmp_path):
    genesis = tmp_path / "genesis.ssz"
    make_genesis(genesis, 16, delay=0)
    args = build_parser().parse_args(["run", "--datadir", str(tmp_path / "d"),
                                      "--genesis-state", str(genesis), "--state-cache-size", "8"])
    assert args.state_cache_size == 8
    opts = NodeOptions.build(datadir=args.datadir, genesis_state=args.genesis_state,
                             state_cache_size=args.state_cache_size)
    chain = open_chain(opts.config, opts.datadir, opts.genesis_state,
                       state_cache_size=opts.state_cache_size)
    try:
        assert chain.regen._hot.size == 8
    finally:
        chain.db.close()


def test_default_and_refusal(tmp_path):
    assert NodeOptions.build(datadir=tmp_path).state_cache_size == 64
    with pytest.raises(OptionsError):
        NodeOptions.build(datadir=tmp_path, state_cache_size=0)
