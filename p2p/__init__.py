"""P2P layer: the 2019 interop wire protocol (networking spec v0.8.4 + v0.8.3 names) on
py-libp2p, behind our own small interface. Entry point: `p2p.service.P2PService`; the
chain plugs in through `p2p.api.ChainInterface`. See p2p/README.md."""
