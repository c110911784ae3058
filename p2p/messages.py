"""P2P-level SSZ messages of the req/resp domain (networking spec v0.8.4 and v0.8.3).

These are not consensus objects, so they live here rather than in beacon.types. Blocks
come from `beacon.types.get_types(config)`; the list limits that bound untrusted input are
ours (the v0.8.x specs leave them TODO) and are documented next to each constant.
"""

import enum

from remerkleable.basic import uint64
from remerkleable.byte_arrays import Bytes4, Bytes32
from remerkleable.complex import Container, List

# Largest number of blocks one request may ask for. v0.8.x has no value; 1024 is what
# later specs settled on (MAX_REQUEST_BLOCKS) and bounds a BlocksByRoot request to 32 KiB.
MAX_REQUEST_BLOCKS = 1024
# Spec v0.8.4 "Configuration": limits of one gossip message and one response chunk.
GOSSIP_MAX_SIZE = 2**20
MAX_CHUNK_SIZE = 2**20
# Longest ErrorMessage we send or accept; a longer one is a protocol violation.
MAX_ERROR_MESSAGE_SIZE = 256


class Status(Container):
    """v0.8.4 `Status`: request and response of `status`."""
    head_fork_version: Bytes4
    finalized_root: Bytes32
    finalized_epoch: uint64
    head_root: Bytes32
    head_slot: uint64


class Hello(Container):
    """v0.8.3 `Hello`: same layout as Status, first field named `fork_version`."""
    fork_version: Bytes4
    finalized_root: Bytes32
    finalized_epoch: uint64
    head_root: Bytes32
    head_slot: uint64


class BeaconBlocksRequest(Container):
    """Request of v0.8.4 `beacon_blocks_by_range` and v0.8.3 `beacon_blocks`."""
    head_block_root: Bytes32
    start_slot: uint64
    count: uint64
    step: uint64


# v0.8.4 `beacon_blocks_by_root` / v0.8.3 `recent_beacon_blocks` request: a bare list of
# roots ("objects containing a single field" are encoded as that field).
BlockRootsRequest = List[Bytes32, MAX_REQUEST_BLOCKS]

# `goodbye` carries a bare uint64 reason.
Goodbye = uint64


class GoodbyeReason(enum.IntEnum):
    """Spec v0.8.4 "Goodbye" reasons."""
    CLIENT_SHUTDOWN = 1
    IRRELEVANT_NETWORK = 2
    FAULT_ERROR = 3


class ResultCode(enum.IntEnum):
    """The single result byte that starts each response chunk."""
    SUCCESS = 0
    INVALID_REQUEST = 1
    SERVER_ERROR = 2


def status_from_hello(hello: Hello) -> Status:
    return Status(head_fork_version=hello.fork_version, finalized_root=hello.finalized_root,
                  finalized_epoch=hello.finalized_epoch, head_root=hello.head_root,
                  head_slot=hello.head_slot)


def hello_from_status(status: Status) -> Hello:
    return Hello(fork_version=status.head_fork_version, finalized_root=status.finalized_root,
                 finalized_epoch=status.finalized_epoch, head_root=status.head_root,
                 head_slot=status.head_slot)
