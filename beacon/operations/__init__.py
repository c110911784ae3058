"""Exits and slashings outside blocks: checking them against the head state, turning
API JSON into them, and finding slashable evidence in what the chain verified.

    API POST /eth/v1/beacon/pool/* --json.py--> op --check.py (head state copy)--> pool + gossip
    chain import (verified block / indexed attestation) --slasher.py--> slashing --check--> pool

`check.py` is the one place that says whether an operation applies to a state.
"""
