"""Req/resp domain: framing (codec), method table (protocols), serving (server) and
requesting (client). See p2p/README.md for the data flow."""
