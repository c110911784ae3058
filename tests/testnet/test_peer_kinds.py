"""The 2019-peer node kinds read head, checkpoints, peers and their address from the
peers' own log lines (formats copied from runs of Lodestar a740650 and Trinity 019f8ea)."""
from pathlib import Path

import yaml

from testnet.nodes.base import NodeNet, RunContext
from testnet.nodes.lodestar import LodestarNode, LogFollower
from testnet.nodes.trinity import TrinityNode
from validator.keys import interop_privkey, interop_pubkey

ROOT_A = "6d3cfbf8a7bc829a80ebdd2009c0aa2ea1c8378360291b73b29600de6082087b"
ROOT_B = "26c7575b0bb76e99f5b6bc016103ff3a55ec500632d35db7068127647a940f95"
STATE = "1b423f11076d4a7982b264761a7d87c5788846e5605fdc3d1d2b429be073dca4"

LODESTAR_LOG = (
    "2026-12-01 23:08:16  [NETWORK]          info: PeerId 16Uiu2HAmThQEYyAgH4zEpSMn\n"
    "\x1b[32m2026-12-01 23:08:18  [NETWORK]       verbose: peer connected 16Uiu2PeerA\x1b[39m\n"
    f"2026-12-01 23:08:24  [CHAIN]            info: Slot 1 Block 0x{ROOT_A} State {STATE}"
    " passed state transition\n"
    f"2026-12-01 23:08:32  [CHAIN]            info: Slot 2 Block 0x{ROOT_B} State {STATE}"
    " passed state transition\n"
    "2026-12-01 23:09:00  [CHAIN]            info: Epoch 2 is justified!\n"
    "2026-12-01 23:09:01  [CHAIN]            info: Epoch 1 is finalized!\n"
    "2026-12-01 23:09:02  [NETWORK]       verbose: peer connected 16Uiu2PeerB\n"
    "2026-12-01 23:09:03  [NETWORK]       verbose: peer disconnected 16Uiu2PeerA\n"
    "2026-12-01 23:09:04  [NETWORK]       verbose: 4a07ae08edf999f8 - receive hello request"
    " from 16Uiu2PeerC\n"
)

TRINITY_LOG = (
    "\x1b[1m\x1b[33m WARNING  2026-12-01 23:12:44,804  component(#BeaconNodeComponent)  "
    "Node listening: /ip4/127.0.0.1/tcp/31399/p2p/16Uiu2HAm5nPCg\x1b[0m\n"
    "   DEBUG  2026-12-01 23:30:44,491             Validator  \x1b[1m\x1b[32mstatus at slot "
    "44 in epoch 5: state_root a4cb..077d, finalized_checkpoint 3, 5803..ad05\x1b[0m\n"
    "   DEBUG  2026-12-01 23:30:44,492             Validator  status at slot 44 in epoch 5:"
    " previous_justified_checkpoint 3, 5803..ad05, current_justified_checkpoint 4, 21a5..efac\n"
    "   DEBUG  2026-12-02 02:53:25,996                  Node  Handshake from 16Uiu2HAmLnyt is "
    "finished. Added to the `handshake_peers`\n"
    "   DEBUG  2026-12-02 02:53:26,996                  Node  Handshake to peer=16Uiu2HAmXyz is "
    "finished. Added to the `handshake_peers`\n"
    "   DEBUG  2026-12-02 02:53:27,996                  Node  Disconnect from 16Uiu2HAmXyz\n"
)


def _node(cls, tmp_path: Path):
    ctx = RunContext("minimal", 6, 0, 16, tmp_path / "g.ssz", "t")
    return cls("B", "B", tmp_path, NodeNet("127.0.0.1", None, 9000, 9001, 9002), ctx)


def test_log_follower_reads_only_new_complete_lines(tmp_path):
    log = tmp_path / "x.log"
    log.write_bytes(b"one\ntw")
    f = LogFollower(log)
    assert f.new_lines() == [b"one"]
    with open(log, "ab") as out:
        out.write(b"o\x1b[0m\nthree")
    assert f.new_lines() == [b"two"]
    assert f.new_lines() == []


def test_lodestar_log(tmp_path):
    node = _node(LodestarNode, tmp_path)
    node.log_path.write_text(LODESTAR_LOG)
    assert node.multiaddr(timeout=1) == \
        "/ip4/127.0.0.1/tcp/9000/p2p/16Uiu2HAmThQEYyAgH4zEpSMn"
    s = node.status(1.0)
    assert (s.head_slot, s.head_root) == (2, "0x" + ROOT_B)
    assert (s.justified_epoch, s.finalized_epoch, s.peers) == (2, 1, 2)
    assert node.block_state_roots() == {"0x" + ROOT_A: "0x" + STATE, "0x" + ROOT_B: "0x" + STATE}


def test_lodestar_head_follows_its_branch_switch_not_blocks_beside_it(tmp_path):
    node = _node(LodestarNode, tmp_path)
    root_c = "ab" * 32
    node.log_path.write_text(
        LODESTAR_LOG
        + f"2026-12-01 23:09:10  [CHAIN]   info: Slot 3 Block 0x{root_c} State {STATE}"
        " passed state transition beside the head\n")
    s = node.status(1.0)
    assert (s.head_slot, s.head_root) == (2, "0x" + ROOT_B)   # imported, not the head
    assert node.block_state_roots()["0x" + root_c] == "0x" + STATE
    with open(node.log_path, "a") as out:
        out.write(f"2026-12-01 23:09:11  [CHAIN]  important: Switched head to 0x{root_c} at"
                  f" slot 3 (was 0x{ROOT_B} at slot 2, common ancestor at slot 1;"
                  " old-branch slots dropped from the main chain: 1)\n")
    s = node.status(2.0)
    assert (s.head_slot, s.head_root) == (3, "0x" + root_c)
    assert node.logged_reorgs() == [("0x" + ROOT_B, 2, "0x" + root_c, 3, 1)]
    assert node.logged_reorgs() == []   # each one is handed over once


def test_trinity_log(tmp_path):
    node = _node(TrinityNode, tmp_path)
    node.log_path.write_text(TRINITY_LOG)
    assert node.multiaddr(timeout=1) == "/ip4/127.0.0.1/tcp/31399/p2p/16Uiu2HAm5nPCg"
    node._follow()
    assert (node.justified, node.finalized) == (4, 3)
    assert node.peers == {"16Uiu2HAmLnyt"}     # one handshake each way, then one left


def test_trinity_gets_any_key_range_in_its_own_format(tmp_path):
    # Trinity's --validators knows only its 16 shipped keys; we hand it a key file in
    # the format of its shipped one (0x-hex privkey and pubkey per entry).
    node = _node(TrinityNode, tmp_path)
    node.datadir.mkdir(parents=True)
    entries = yaml.safe_load(node._write_keys(range(14, 20)).read_text())
    assert [e["privkey"] for e in entries] == [interop_privkey(i) for i in range(14, 20)]
    assert entries[-1]["pubkey"] == int.from_bytes(interop_pubkey(19), "big")


def test_trinity_does_not_inherit_our_pythonpath(tmp_path, monkeypatch):
    # Our PYTHONPATH (a checkout) shadowed Trinity's own `ssz` package: it died on import.
    monkeypatch.setenv("PYTHONPATH", "/somewhere/of/ours")
    monkeypatch.setenv("KEPT_FOR_THE_PEER", "1")
    node = _node(TrinityNode, tmp_path)
    node.spawn(["env"])
    node.proc.wait(timeout=10)
    env = node.log_path.read_text()
    assert "PYTHONPATH=" not in env
    assert "KEPT_FOR_THE_PEER=1" in env and "BEACON_TESTNET_NODE=B" in env
