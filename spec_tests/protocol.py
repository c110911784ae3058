"""The protocol these vectors test. They are the v0.8.4 release's, so this is fixed; a
vector set of another release would come with its own root and protocol name."""
from beacon.protocol import get_protocol

PROTOCOL = get_protocol("v0.8.4")
