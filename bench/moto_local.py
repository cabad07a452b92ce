"""moto's server on a free loopback port, as a DynamoDB stand-in for the benchmarks (standard library
only). `moto_server` comes from MOTO_SERVER, else `.venv-moto/bin/moto_server` (`make
.venv-moto/.installed` installs it).

moto does not check signatures, so the table is created with an unsigned request whose
`Authorization` header only names the service and region (moto routes on them).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
ACCESS_KEY = "AKIDBENCHMARK"
SECRET_KEY = "bench-secret-key"


def moto_server() -> Path:
    path = Path(os.environ.get("MOTO_SERVER") or REPO / ".venv-moto" / "bin" / "moto_server")
    if not path.is_file():
        raise SystemExit(f"no moto_server at {path}: run `make .venv-moto/.installed` or set MOTO_SERVER")
    return path


class Moto:
    """A running moto server (a context manager); `url` is its endpoint."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(moto_server()), "-H", "127.0.0.1", "-p", str(port)],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self._log.seek(0)
                    raise RuntimeError(f"moto_server did not start: {self._log.read().decode(errors='replace')}")
                time.sleep(0.05)

    def call(self, operation: str, request: dict) -> tuple[int, dict]:
        date = time.strftime("%Y%m%d", time.gmtime())
        http = urllib.request.Request(f"{self.url}/", data=json.dumps(request).encode(), method="POST", headers={
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": f"DynamoDB_20120810.{operation}",
            "authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{date}/{REGION}/dynamodb/aws4_request, "
                             "SignedHeaders=host, Signature=0",
        })
        try:
            with urllib.request.urlopen(http, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def create_table(self, table: str) -> None:
        """As the stack creates it: partition key `id` (S), on demand, TTL on `expiration`."""
        status, answer = self.call("CreateTable", {
            "TableName": table, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        })
        if status != 200:
            raise RuntimeError(f"CreateTable: {status} {answer}")
        self.call("UpdateTimeToLive", {"TableName": table, "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "expiration"}})

    def count(self, table: str) -> int:
        return self.call("Scan", {"TableName": table, "Select": "COUNT"})[1].get("Count", 0)

    def env(self, table: str | None = None) -> dict[str, str]:
        """What a function needs to reach the table."""
        env = {"AWS_ENDPOINT_URL_DYNAMODB": self.url, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
               "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_REGION": REGION}
        if table:
            env["ACKBOT_IDEMPOTENCY_TABLE"] = table
        return env

    def put_latency_ms(self, table: str, n: int = 50) -> float:
        """moto's own median time for one conditional PutItem, seen from here."""
        times = []
        for i in range(n):
            started = time.perf_counter()
            self.call("PutItem", {"TableName": table, "Item": {"id": {"S": f"latency-{i}"}},
                                  "ConditionExpression": "attribute_not_exists(#id)",
                                  "ExpressionAttributeNames": {"#id": "id"}})
            times.append((time.perf_counter() - started) * 1000)
        return sorted(times)[n // 2]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def __enter__(self) -> "Moto":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
