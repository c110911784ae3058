"""`beacon-node keys interop` against the published interop key table."""
import base64

import yaml

from beacon.cli.keys import key_table
from tests.cli.helpers import beacon_node

# From the published table (eth2.0-pm interop/mocked_start/keygen_test_vector.yaml):
# privkeys as decimal integers, pubkeys as base64.
PUBLISHED = {
    0: (16808672146709759238327133555736750089977066230599028589193936481731504400486,
        "qZp27XeW974i1bfoXe63xWd+iOUR4LM3YY+MTrYTSbS/LRU/ZJ97UzWf6LlKOORM"),
    1: (37006103240406073079686739739280712467525465637222501547219594975923976982528,
        "uJvrxpl2lyajGMjplxvTFxKXxhrqSmV4p6T5S1R9y6W6wWqJEItrah/jaV0ah0oL"),
    9: (19554639423851580804889717218680781396599791537051606512605582393920758869044,
        "mJNBPAAoOj+e2f2YRd2hzqOCKNIlZ/lUHczDV+VKLWpuIEEDySVky8BfSQWsfEk6"),
}


def test_first_key_is_the_published_one():
    priv, pub = next(key_table(0, 1))
    assert priv == "0x25295f0d1d592a90b333e26e85149708208e9f8e8bc18f6c77bd62f8ad7a6866"
    assert pub == ("0xa99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4"
                   "bf2d153f649f7b53359fe8b94a38e44c")


def test_table_matches_published_vector():
    table = list(key_table(0, 10))
    for i, (priv, pub) in PUBLISHED.items():
        assert int(table[i][0], 16) == priv
        assert bytes.fromhex(table[i][1][2:]) == base64.b64decode(pub)


def test_cli_prints_yaml_list_with_start():
    proc = beacon_node("keys", "interop", "--count", 3, "--start", 8)
    assert proc.returncode == 0, proc.stderr
    rows = yaml.safe_load(proc.stdout)
    assert [list(r) for r in rows] == [["privkey", "pubkey"]] * 3
    assert int(rows[1]["privkey"], 16) == PUBLISHED[9][0]
    assert bytes.fromhex(rows[1]["pubkey"][2:]) == base64.b64decode(PUBLISHED[9][1])
