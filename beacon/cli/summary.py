"""Short human summaries of SSZ objects for `beacon-node ssz pretty` and `transition`.

States and blocks get a dedicated summary (the fields one looks at when two clients
disagree); any other container gets one line per field with long values shortened.
"""
from __future__ import annotations

from remerkleable.basic import boolean, uint
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteVector
from remerkleable.complex import Container

from beacon.cli.files import hex0x


def short(value) -> str:
    """One-line rendering: ints as ints, bytes as hex (abbreviated past 32 bytes)."""
    if isinstance(value, boolean):
        return "true" if value else "false"
    if isinstance(value, uint):
        return str(int(value))
    if isinstance(value, ByteVector):
        data = bytes(value)
        text = data.hex()
        return "0x" + (text if len(data) <= 32 else f"{text[:8]}…{text[-8:]} ({len(data)} bytes)")
    if isinstance(value, (Bitlist, Bitvector)):
        return f"{len(value)} bits, {sum(1 for b in value if b)} set"
    if isinstance(value, Container):
        return f"{type(value).__name__}(root {hex0x(value.hash_tree_root())[:18]}…)"
    try:
        return f"{len(value)} items"
    except TypeError:
        return repr(value)


def _checkpoint(c) -> str:
    return f"epoch {int(c.epoch)} root {hex0x(c.root)[:18]}…"


def summarize_state(config, state) -> list[str]:
    slot = int(state.slot)
    epoch = slot // config.SLOTS_PER_EPOCH
    active = 0
    balance = 0
    for v in state.validators:
        if int(v.activation_epoch) <= epoch < int(v.exit_epoch):
            active += 1
            balance += int(v.effective_balance)
    eth1 = state.eth1_data
    return [
        f"BeaconState ({config.name})",
        f"  root:                {hex0x(state.hash_tree_root())}",
        f"  genesis_time:        {int(state.genesis_time)}",
        f"  slot:                {slot} (epoch {epoch})",
        f"  fork:                {short(state.fork.previous_version)} -> "
        f"{short(state.fork.current_version)} at epoch {int(state.fork.epoch)}",
        f"  latest_block_header: slot {int(state.latest_block_header.slot)} "
        f"parent {hex0x(state.latest_block_header.parent_root)[:18]}…",
        f"  validators:          {len(state.validators)} ({active} active, "
        f"{balance // 10**9} ETH effective)",
        f"  eth1_data:           {int(eth1.deposit_count)} deposits, block "
        f"{hex0x(eth1.block_hash)[:18]}…, deposit index {int(state.eth1_deposit_index)}",
        f"  justified:           previous {_checkpoint(state.previous_justified_checkpoint)}",
        f"                       current {_checkpoint(state.current_justified_checkpoint)}",
        f"  finalized:           {_checkpoint(state.finalized_checkpoint)}",
        f"  attestations:        {len(state.previous_epoch_attestations)} previous epoch, "
        f"{len(state.current_epoch_attestations)} current epoch",
    ]


def summarize_block(config, block) -> list[str]:
    from ssz.signing import signing_root
    body = block.body
    ops = ", ".join(f"{len(getattr(body, name))} {name}" for name in (
        "proposer_slashings", "attester_slashings", "attestations", "deposits",
        "voluntary_exits", "transfers"))
    return [
        f"BeaconBlock ({config.name})",
        f"  signing_root: {hex0x(signing_root(block))}",
        f"  root:         {hex0x(block.hash_tree_root())}",
        f"  slot:         {int(block.slot)} (epoch {int(block.slot) // config.SLOTS_PER_EPOCH})",
        f"  parent_root:  {hex0x(block.parent_root)}",
        f"  state_root:   {hex0x(block.state_root)}",
        f"  eth1_data:    {int(body.eth1_data.deposit_count)} deposits, root "
        f"{hex0x(body.eth1_data.deposit_root)[:18]}…",
        f"  graffiti:     {hex0x(body.graffiti)}",
        f"  operations:   {ops}",
    ]


def summarize(config, view) -> list[str]:
    name = type(view).__name__
    if name == "BeaconState":
        return summarize_state(config, view)
    if name == "BeaconBlock":
        return summarize_block(config, view)
    lines = [f"{name} ({config.name})", f"  root: {hex0x(view.hash_tree_root())}"]
    if isinstance(view, Container):
        width = max((len(f) for f in type(view).fields()), default=0)
        for field in type(view).fields():
            lines.append(f"  {field + ':':<{width + 1}} {short(getattr(view, field))}")
    return lines
