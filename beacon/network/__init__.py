"""The node's network side: gossip topic handlers, req/resp answers, sync, peer policy.

    p2p.gossip ──> topics.GossipBoundary (one verdict + peer report per message)
                     └─ handler per topic: block_topic, attestation_topic, operation_topic
                          └─ ChainService.enqueue_* (import after forwarding)
    p2p.reqresp.server ──> chain_view.SnapshotChainView (reads the chain snapshot)
    handshake statuses ──> sync.SyncService ──> ChainService.import_block
    service.Network: start the P2P service, publish, request, watch peers.
"""
