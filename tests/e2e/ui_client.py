"""A small client of the Dagster webserver's GraphQL API: what the UI's buttons send."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request


class DagsterUI:
    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def query(self, text: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": text, "variables": variables or {}}).encode()
        req = urllib.request.Request(f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            out = json.loads(resp.read())
        if out.get("errors"):
            raise RuntimeError(f"GraphQL errors: {out['errors']}")
        return out["data"]

    def wait_until_up(self, timeout: float = 180) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/server_info", timeout=5):
                    pass
                nodes = self.asset_keys()
                if nodes:
                    return
            except (urllib.error.URLError, ConnectionError, RuntimeError, OSError):
                pass
            time.sleep(1)
        raise TimeoutError(f"the Dagster webserver at {self.url} did not answer within {timeout:.0f} s")

    def asset_keys(self) -> list[list[str]]:
        data = self.query("{ assetNodes { assetKey { path } isMaterializable } }")
        return [n["assetKey"]["path"] for n in data["assetNodes"] if n["isMaterializable"]]

    def launch_backfill_of_everything(self) -> str:
        """ "Materialize all" -> every partition -> "Launch backfill", as the UI sends it."""
        data = self.query(
            """
            mutation Launch($params: LaunchBackfillParams!) {
              launchPartitionBackfill(backfillParams: $params) {
                __typename
                ... on LaunchBackfillSuccess { backfillId }
                ... on PythonError { message }
                ... on InvalidSubsetError { message }
                ... on UnauthorizedError { message }
              }
            }""",
            {"params": {"assetSelection": [{"path": p} for p in self.asset_keys()], "allPartitions": True}},
        )
        out = data["launchPartitionBackfill"]
        if out["__typename"] != "LaunchBackfillSuccess":
            raise RuntimeError(f"backfill not launched: {out}")
        return out["backfillId"]

    def backfill(self, backfill_id: str) -> dict:
        data = self.query(
            """
            query Backfill($id: String!) {
              partitionBackfillOrError(backfillId: $id) {
                __typename
                ... on PartitionBackfill { id status error { message } }
              }
            }""",
            {"id": backfill_id},
        )
        return data["partitionBackfillOrError"]

    def runs_of_backfill(self, backfill_id: str) -> list[dict]:
        data = self.query(
            """
            query Runs($tag: String!) {
              runsOrError(filter: {tags: [{key: "dagster/backfill", value: $tag}]}) {
                ... on Runs { results { runId status tags { key value } } }
              }
            }""",
            {"tag": backfill_id},
        )
        return data["runsOrError"]["results"]

    def wait_for_backfill(self, backfill_id: str, timeout: float = 900) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            b = self.backfill(backfill_id)
            if b.get("status") in ("COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"):
                runs = self.runs_of_backfill(backfill_id)
                if all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
                    return b
            time.sleep(3)
        raise TimeoutError(f"backfill {backfill_id} did not finish within {timeout:.0f} s")
