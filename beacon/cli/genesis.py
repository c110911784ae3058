"""`beacon-node genesis quickstart|from-deposits`: build genesis states.

quickstart:     (validator count, genesis time) -> the interop quick-start state
from-deposits:  deposits file + eth1 block hash + timestamp -> the spec genesis state,
                and whether it is a valid genesis (`is_valid_genesis_state`)

Both print the state's hash-tree-root and write the state as SSZ or YAML.
"""
from __future__ import annotations

import argparse

from beacon.cli.errors import UserError
from beacon.cli.files import (
    add_config_argument, config_of, format_of, from_plain, from_ssz, hex0x, hex_bytes,
    load_yaml, read_bytes, save_object, uint64,
)


# Interop keys are derived one by one (about 1 ms each); a mainnet-sized registry fits.
MAX_QUICKSTART_VALIDATORS = 1 << 20


def _validator_count(text: str) -> int:
    value = uint64(text)
    if not 1 <= value <= MAX_QUICKSTART_VALIDATORS:
        raise argparse.ArgumentTypeError(
            f"expected 1..{MAX_QUICKSTART_VALIDATORS} validators, got {value}")
    return value


def register(subparsers) -> None:
    genesis = subparsers.add_parser("genesis", help="build genesis states")
    sub = genesis.add_subparsers(dest="genesis_command", metavar="SUBCOMMAND", required=True)

    p = sub.add_parser("quickstart", help="interop quick-start genesis state",
                       description="Build the interop (mocked start) genesis state from "
                       "the first N interop keys.")
    p.add_argument("--validator-count", type=_validator_count, required=True,
                   help=f"1..{MAX_QUICKSTART_VALIDATORS}")
    p.add_argument("--genesis-time", type=uint64, required=True, help="unix seconds")
    _output_arguments(p)
    p.set_defaults(func=quickstart)

    p = sub.add_parser("from-deposits", help="genesis state from a list of deposits",
                       description="Run initialize_beacon_state_from_eth1 over the deposits "
                       "(a YAML list of Deposit, or concatenated SSZ Deposits) and report "
                       "whether the result is a valid genesis state.")
    p.add_argument("--deposits", required=True, metavar="FILE", help=".yaml/.yml or .ssz")
    p.add_argument("--eth1-block-hash", type=hex_bytes(32), required=True, metavar="HEX")
    p.add_argument("--eth1-timestamp", type=uint64, required=True)
    _output_arguments(p)
    p.set_defaults(func=from_deposits)


def _output_arguments(p) -> None:
    add_config_argument(p)
    p.add_argument("--out", required=True, metavar="FILE", help="where to write the state")
    p.add_argument("--format", choices=("ssz", "yaml"),
                   help="output format (default: from the --out extension, else ssz)")


def _output_format(args) -> str:
    if args.format:
        return args.format
    try:
        return format_of(args.out)
    except UserError:
        return "ssz"


def quickstart(args) -> int:
    from beacon.genesis.quickstart import quickstart_state
    config = config_of(args)
    state = quickstart_state(config, args.genesis_time, args.validator_count)
    save_object(state, args.out, _output_format(args))
    print(f"state_root: {hex0x(state.hash_tree_root())}")
    return 0


def load_deposits(config, path: str) -> list:
    """Deposits from a YAML list or from back-to-back SSZ encodings (Deposit is fixed-size)."""
    from beacon.protocol import DEFAULT as PROTOCOL
    Deposit = PROTOCOL.types(config).Deposit
    if format_of(path) == "yaml":
        items = load_yaml(path)
        if not isinstance(items, list):
            raise UserError(f"{path}: expected a YAML list of deposits")
        if not items:
            raise UserError(f"{path}: no deposits (the list is empty)")
        return [from_plain(Deposit, item, f"{path}: deposit {i}") for i, item in enumerate(items)]
    data = read_bytes(path)
    if not data:
        raise UserError(f"{path}: no deposits (the file is empty)")
    size = Deposit.type_byte_length()
    if len(data) % size:
        raise UserError(f"{path}: {len(data)} bytes is not a whole number of "
                        f"{size}-byte SSZ Deposits")
    return [from_ssz(Deposit, data[i:i + size], f"{path}: deposit {i // size}")
            for i in range(0, len(data), size)]


def from_deposits(args) -> int:
    from beacon.genesis import (
        GenesisError, initialize_beacon_state_from_eth1, is_valid_genesis_state,
    )
    config = config_of(args)
    if args.eth1_timestamp + 2 * config.SECONDS_PER_DAY >= 2**64:
        # The spec's genesis_time (timestamp rounded to a day, plus two days) must fit.
        raise UserError(f"--eth1-timestamp {args.eth1_timestamp} is too large")
    deposits = load_deposits(config, args.deposits)
    try:
        state = initialize_beacon_state_from_eth1(
            config, eth1_block_hash=args.eth1_block_hash,
            eth1_timestamp=args.eth1_timestamp, deposits=deposits)
    except GenesisError as e:
        # A bad Merkle proof or the like: the deposits file is wrong, not the program.
        raise UserError(f"{args.deposits}: {e}") from None
    save_object(state, args.out, _output_format(args))
    valid = is_valid_genesis_state(config, state)
    print(f"state_root: {hex0x(state.hash_tree_root())}")
    print(f"deposits: {len(deposits)}")
    print(f"validators: {len(state.validators)}")
    print(f"valid_genesis: {'yes' if valid else 'no'}")
    return 0
