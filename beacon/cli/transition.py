"""`beacon-node transition`: apply blocks (and empty slots) to a state, print the post root.

    pre state + blocks, in order -> state_transition each (state root checked)
                                 -> optionally --slots N more empty slots
                                 -> post state root on stdout, state to --out

Exit codes: 0 the transition is valid, 1 a block is invalid (one line on stderr naming
the block and the reason; nothing is written), 2 a user error (bad file, wrong type).
"""
from __future__ import annotations

import argparse
import sys

from beacon.cli.errors import UserError
from beacon.cli.files import (
    add_config_argument, config_of, hex0x, load_object, save_object, type_named, uint64,
)

EXIT_INVALID = 1
# Each empty slot hashes the state and each epoch runs epoch processing (~10 ms to
# seconds): 2**16 slots is 2,048 mainnet epochs, already a long run.
MAX_SLOTS = 1 << 16


def _slot_count(text: str) -> int:
    value = uint64(text)
    if value > MAX_SLOTS:
        raise argparse.ArgumentTypeError(f"--slots {value} is over the limit of {MAX_SLOTS}")
    return value


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "transition", help="run the state transition over blocks",
        description="Apply each block in order to the pre-state (verifying state roots "
        "and, unless told otherwise, signatures), then advance --slots empty slots. "
        "Prints the post-state root; exits 1 if a block is invalid.")
    p.add_argument("--pre", required=True, metavar="STATE", help="pre-state, .ssz or .yaml")
    p.add_argument("--block", nargs="+", default=[], metavar="BLOCK", action="extend",
                   help="block file(s), .ssz or .yaml, applied in the order given")
    p.add_argument("--slots", type=_slot_count, default=0, metavar="N",
                   help="empty slots to process after the last block (default 0, "
                   f"at most {MAX_SLOTS})")
    p.add_argument("--no-verify-signatures", action="store_true",
                   help="skip BLS signature checks (state roots are still checked)")
    p.add_argument("--out", metavar="POST", help="write the post-state (.ssz or .yaml)")
    add_config_argument(p)
    p.set_defaults(func=run)


def transition(config, state, blocks, slots: int = 0, verify_signatures: bool = True):
    """Apply `blocks` then `slots` empty slots to `state` in place.

    Raises:
        StateTransitionError: an invalid block (or a block slot not after the state's);
            `block_position` says which block.
    """
    from beacon.protocol import DEFAULT as PROTOCOL
    from beacon.state_transition import Signatures
    from beacon.state_transition.errors import StateTransitionError
    mode = Signatures.VERIFY if verify_signatures else Signatures.SKIP
    ctx = PROTOCOL.new_context(config)  # this call's own caches, shared by its blocks
    for i, block in enumerate(blocks):
        try:
            PROTOCOL.state_transition(config, state, block, signatures=mode,
                                      validate_state_root=True, ctx=ctx)
        except StateTransitionError as e:
            e.block_position = i
            raise
    if slots:
        if int(state.slot) + slots >= 2**64:
            raise UserError(f"--slots {slots} would take the slot past the uint64 range")
        PROTOCOL.process_slots(config, state, int(state.slot) + slots, ctx=ctx)
    return state


def run(args) -> int:
    from beacon.state_transition.errors import StateTransitionError
    config = config_of(args)
    state = load_object(type_named(config, "BeaconState"), args.pre)
    block_type = type_named(config, "BeaconBlock")
    blocks = [load_object(block_type, path) for path in args.block]
    try:
        transition(config, state, blocks, args.slots, not args.no_verify_signatures)
    except StateTransitionError as e:
        position = getattr(e, "block_position", None)
        where = (f"block {position} ({args.block[position]})" if position is not None
                 else "slots after the last block")
        reason = " ".join(str(e).split()) or type(e).__name__
        print(f"invalid transition: {where}: {type(e).__name__}: {reason}", file=sys.stderr)
        return EXIT_INVALID
    if args.out:
        save_object(state, args.out)
    print(f"post_state_root: {hex0x(state.hash_tree_root())}")
    return 0
