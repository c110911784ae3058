"""/eth/v1/debug/fork_choice shape and the /fork-view page (fake backend, a fork)."""
import json

from tests.api.harness import FakeBackend, get, run_with_api


class ForkedBackend(FakeBackend):
    """The harness's chain 0-1-2 plus a side block at slot 2 on block 1."""

    async def fork_choice_tree(self):
        r = self.roots
        side = b"\x09" * 32
        return {"justified": (0, r[0]), "finalized": (0, r[0]),
                "nodes": [{"root": r[0], "parent_root": None, "slot": 0, "weight": 96},
                          {"root": r[1], "parent_root": r[0], "slot": 1, "weight": 96},
                          {"root": r[2], "parent_root": r[1], "slot": 2, "weight": 64},
                          {"root": side, "parent_root": r[1], "slot": 2, "weight": 32}]}


def test_fork_choice_json_in_the_later_clients_shape():
    async def check(port, b):
        status, _, body = await get(port, "/eth/v1/debug/fork_choice")
        assert status == 200
        d = json.loads(body)
        assert d["finalized_checkpoint"] == {"epoch": "0", "root": "0x" + b.roots[0].hex()}
        nodes = d["fork_choice_nodes"]
        assert [n["slot"] for n in nodes] == ["0", "1", "2", "2"]
        assert {n["parent_root"] for n in nodes[2:]} == {"0x" + b.roots[1].hex()}
        head = [n for n in nodes if n["extra_data"]["head"]]
        assert [n["block_root"] for n in head] == ["0x" + b.roots[2].hex()]
        assert head[0]["extra_data"]["proposer_index"] == "7" and head[0]["weight"] == "64"
        assert head[0]["finalized_epoch"] == "2"          # from the block's post-state
        side = nodes[3]
        assert side["extra_data"]["canonical"] is False and side["validity"] == "valid"
        assert d["extra_data"]["verified_transitions"] == 4
    run_with_api(check, ForkedBackend())


def test_fork_view_page_is_self_contained():
    async def check(port, b):
        status, headers, body = await get(port, "/fork-view")
        assert status == 200 and headers["content-type"].startswith("text/html")
        text = body.decode()
        assert "/eth/v1/debug/fork_choice" in text
        assert "src=" not in text and "href=" not in text      # no external assets
    run_with_api(check, ForkedBackend())
