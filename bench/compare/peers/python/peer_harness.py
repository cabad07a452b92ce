"""Running the Python peers as Lambda function processes against infra/contract/lambda_harness.py.

- :class:`SlackApiStandIn`: the harness's :class:`SlackStandIn` that also answers ``auth.test``
  (Bolt calls it once, at ``App()`` -- the init phase -- to learn the bot's ids; the plain stand-in
  answers 404 there and Bolt's init fails).
- :class:`PeerProcess`: ``<venv python> runtime.py <module>.lambda_handler`` with the environment
  Lambda gives a function (``lambda_harness.worker_env``: inherited ``SLACK_*``/``LINE_*``/``AWS_*``
  and proxy variables removed) plus the peer's settings; its output is collected; ``peak_rss_kib``.
- :func:`peer_settings`: the environment each peer needs, given the stand-ins.

Standard library only: the driver runs under any python3, the peers under the venv's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Mapping

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
sys.path.insert(0, str(REPO / "infra" / "contract"))
from lambda_harness import Call, LineStandIn, RuntimeApi, SlackStandIn, worker_env  # noqa: E402

VENV = Path(os.environ.get("PEERS_VENV") or REPO / "bench" / "compare" / ".venv-peers")
RUNTIME = HERE / "runtime.py"
PEERS = {"bolt_python": "bolt_python.lambda_handler", "line_python": "line_python.lambda_handler"}

SLACK_SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
SLACK_BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
LINE_CHANNEL_SECRET = "bench-line-channel-secret-0123456"
LINE_CHANNEL_ACCESS_TOKEN = "bench-line-access-token-" + "x" * 148

__all__ = ["SlackApiStandIn", "LineStandIn", "RuntimeApi", "Call", "PeerProcess", "peer_settings", "venv_python",
           "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "PEERS"]


class SlackApiStandIn(SlackStandIn):
    """Slack's stand-in, answering ``auth.test`` as Slack does for a bot token too."""

    def _respond(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        if call.method == "POST" and call.path.split("?", 1)[0] == "/api/auth.test":
            auth = call.header("authorization") or ""
            if not auth.startswith("Bearer ") or len(auth) <= 7:
                return 200, {"ok": False, "error": "not_authed"}, {}
            return 200, {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "echo",
                         "team_id": self.team, "user_id": "U0BOT0001", "bot_id": "B0BOT0001",
                         "is_enterprise_install": False}, {}
        return super()._respond(call)


def venv_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        raise FileNotFoundError(f"{python} is missing: run `bash {HERE / 'install.sh'}` first")
    return python


def peer_settings(peer: str, *, slack: SlackStandIn | None = None, line: LineStandIn | None = None) -> dict[str, str]:
    if peer == "bolt_python":
        assert slack is not None
        return {"SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET, "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
                "SLACK_API_URL": slack.api_url}
    if peer == "line_python":
        assert line is not None
        return {"LINE_CHANNEL_SECRET": LINE_CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_CHANNEL_ACCESS_TOKEN,
                "LINE_API_URL": line.api_url}
    raise ValueError(f"unknown peer {peer!r}")


class PeerProcess:
    """One peer as a Lambda function process polling ``runtime`` (a fresh empty working directory)."""

    def __init__(self, peer: str, runtime: RuntimeApi, settings: Mapping[str, str], memory_mb: int = 128) -> None:
        self.peer = peer
        self.runtime = runtime
        self.settings = dict(settings)
        self.memory_mb = memory_mb
        self.output: list[str] = []
        self._lock = threading.Lock()
        self._cwd = tempfile.TemporaryDirectory(prefix=f"peer-{peer}-")
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at: float | None = None
        runtime.watch(self._gone)

    def start(self) -> "PeerProcess":
        env = worker_env(self.runtime.address, extra=self.settings, memory_mb=self.memory_mb,
                         function_name=self.peer.replace("_", "-"))
        for name in ("ACKBOT_ROLE", "ACKBOT_LOG_FORMAT", "RUST_LOG"):  # ackbot's own, set by worker_env
            env.pop(name, None)
        for name in list(env):
            if name.startswith("PYTHON") or name == "VIRTUAL_ENV":
                env.pop(name)
        env["LAMBDA_TASK_ROOT"] = str(HERE)
        env["_HANDLER"] = PEERS[self.peer]
        command = [str(venv_python()), str(RUNTIME), PEERS[self.peer]]
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=self._cwd.name, env=env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._pump, name=f"{self.peer}-output", daemon=True).start()
        return self

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in iter(self.process.stdout.readline, b""):
            with self._lock:
                self.output.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def _gone(self) -> str | None:
        if self.process is not None and self.process.poll() is not None:
            return f"{self.peer} exited with status {self.process.returncode}; its output:\n{self.tail()}"
        return None

    def tail(self, lines: int = 30) -> str:
        with self._lock:
            return "\n".join(self.output[-lines:]) or "(nothing)"

    def peak_rss_kib(self) -> int | None:
        if self.process is None:
            return None
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None

    def stop(self, timeout: float = 5.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self._cwd.cleanup()
        return self.process.returncode

    def __enter__(self) -> "PeerProcess":
        return self.start() if self.process is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
