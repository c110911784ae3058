"""The Beacon API and Prometheus metrics over HTTP (hypercorn on trio, Starlette).

See README.md in this folder: what comes in, what goes out, and the DoS notes.
"""
