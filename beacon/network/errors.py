"""Gossip-level outcomes of the network's own checks, in the chain errors' vocabulary.

Chain errors (beacon/chain/errors.py) carry `gossip` (what to do with the message) and
`peer` (the peer-score effect); these do too, so the boundary (topics.py) reads one
pair of attributes whatever failed.
"""
from __future__ import annotations

from beacon.chain.errors import GossipAction, PeerEffect


class GossipError(Exception):
    """A message that is not forwarded. Subclasses fix the action and the penalty."""
    gossip = GossipAction.IGNORE
    peer = PeerEffect.NONE


class Ignore(GossipError):
    """Not forwarded, no penalty: duplicate, outside the slot window, or we are busy."""


class Reject(GossipError):
    """Invalid (a bad signature, a malformed committee bitfield): penalise the sender."""
    gossip = GossipAction.REJECT
    peer = PeerEffect.INVALID_MESSAGE


class Queue(GossipError):
    """Depends on a block we do not have; it is being fetched. No penalty."""
    gossip = GossipAction.QUEUE
