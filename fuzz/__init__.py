"""Fuzz targets (atheris) for every decoder that reads untrusted bytes.

    fuzz.targets.TARGETS: name -> Target(make, seeds)
        ssz:<Type>            strict SSZ decode of every phase0 type (minimal preset) and
                              of the p2p messages, seeded from the ssz_static vectors
        reqresp:req:<method>  the server's request path: frame, limit, (un)wrap, decode
        reqresp:resp:<method>:<framing>  the client's response path over a fake stream
        gossip:<topic>        Gossip._validate, the decode path of each topic
        http:api              the Beacon API's ASGI app, in-process

Each target raises AssertionError (a finding) when the code under test raises anything
but its documented errors, or when something decodes but does not re-encode to the
very bytes it came from. `python -m fuzz` (make fuzz) runs each target in its own atheris
process for a fixed number of inputs; tests/fuzz/ replays the seeds, a short seeded
mutation budget and every crash input kept under tests/fuzz/crashes/.
"""
