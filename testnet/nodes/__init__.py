"""Node kinds: `KINDS[name]` is a `testnet.nodes.base.Node` subclass.

Add a kind by importing its class here (lazily, if it is heavy) and adding it to KINDS.
"""
from testnet.nodes.base import Capabilities, Header, Node, NodeNet, NodeStatus, RunContext
from testnet.nodes.lodestar import LodestarNode
from testnet.nodes.ours import OursNode
from testnet.nodes.trinity import TrinityNode

KINDS: dict[str, type[Node]] = {"ours": OursNode, LodestarNode.kind: LodestarNode,
                                TrinityNode.kind: TrinityNode}

__all__ = ["KINDS", "Capabilities", "Header", "Node", "NodeNet", "NodeStatus", "RunContext"]
