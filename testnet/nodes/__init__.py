"""Node kinds: `KINDS[name]` is a `testnet.nodes.base.Node` subclass.

Add a kind by importing its class here (lazily, if it is heavy) and adding it to KINDS.
"""
from testnet.nodes.base import Capabilities, Header, Node, NodeNet, NodeStatus, RunContext
from testnet.nodes.ours import OursNode

KINDS: dict[str, type[Node]] = {"ours": OursNode}

__all__ = ["KINDS", "Capabilities", "Header", "Node", "NodeNet", "NodeStatus", "RunContext"]
