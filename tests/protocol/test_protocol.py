"""The protocol seam (beacon/protocol): lookups by (preset, protocol), and ssz/ kept
generic (it must not import beacon)."""
import ast
import pathlib
import subprocess
import sys

import pytest

from beacon.config import mainnet, minimal
from beacon.protocol import DEFAULT, PROTOCOLS, get_protocol
from beacon.state_transition import EpochContext
from beacon.types import get_types
from p2p.encoding import Encoding
from p2p.reqresp.protocols import Method

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_v084_is_the_default_and_get_types_agrees():
    p = get_protocol("v0.8.4")
    assert p is DEFAULT and list(PROTOCOLS) == ["v0.8.4"]
    for config in (minimal, mainnet):
        assert p.types(config) is get_types(config)
    assert p.types(minimal).BeaconState is not p.types(mainnet).BeaconState
    assert isinstance(p.new_context(minimal), EpochContext)
    with pytest.raises(KeyError, match="known: v0.8.4"):
        get_protocol("v1.0.0")


def test_type_by_name():
    T = get_types(minimal)
    assert DEFAULT.type_by_name(minimal, "Attestation") is T.Attestation
    with pytest.raises(KeyError, match="known: Fork, Checkpoint"):
        DEFAULT.type_by_name(minimal, "Attestaton")


def test_wire_names():
    assert DEFAULT.reqresp_protocol_id(Method.STATUS, Encoding.SSZ_SNAPPY) == \
        "/eth2/beacon_chain/req/status/1/ssz_snappy"
    ids = DEFAULT.reqresp_protocol_ids()
    assert "/eth2/beacon_chain/req/beacon_blocks_by_range/1/ssz" in ids
    assert len(ids) == 2 * len(DEFAULT.reqresp_methods)
    assert DEFAULT.topic_id("beacon_block", Encoding.SSZ_SNAPPY) == "/eth2/beacon_block/ssz_snappy"
    assert DEFAULT.gossip_type(minimal, "beacon_attestation") is get_types(minimal).Attestation
    with pytest.raises(KeyError):
        DEFAULT.topic_id("shard_block", Encoding.SSZ)


def test_signing_helpers_are_the_transitions():
    state = get_types(minimal).BeaconState()
    domain = DEFAULT.get_domain(minimal, state, minimal.DOMAIN_BEACON_PROPOSER)
    assert domain == DEFAULT.compute_domain(minimal.DOMAIN_BEACON_PROPOSER, bytes(4))


def test_ssz_package_does_not_import_beacon():
    """Statically (every import statement) and at run time (a fresh interpreter)."""
    offenders = []
    for path in sorted((ROOT / "ssz").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "beacon"]
    assert offenders == []
    code = ("import sys, pkgutil, importlib, ssz\n"
            "for m in pkgutil.iter_modules(ssz.__path__): importlib.import_module('ssz.' + m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] == 'beacon'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
