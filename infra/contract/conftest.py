"""Fixtures shared by the contract tests: one synthesized template for the whole session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

INFRA = HERE.parent
STAND_IN_ASSET = INFRA / "test" / "fixtures" / "stand-in-asset"
CONTRACT_STACK = "AckbotContract"


@pytest.fixture(scope="session")
def cfn_template(tmp_path_factory) -> Path:
    """A synthesized template: $ACKBOT_CFN_TEMPLATE, or `cdk synth` with the stand-in asset (the
    mapping templates do not depend on the worker asset, so no cargo-lambda build is needed)."""
    given = os.environ.get("ACKBOT_CFN_TEMPLATE")
    if given:
        return Path(given)
    if not (INFRA / "node_modules" / ".bin" / "cdk").exists():
        pytest.fail("infra/node_modules is missing: run `npm ci` in infra/ first (or set ACKBOT_CFN_TEMPLATE)")
    out = tmp_path_factory.mktemp("cdk.out")
    subprocess.run(
        [
            "npx", "cdk", "synth", "--quiet",
            # Type-checking is `npm test`'s job; transpiling only keeps this synth fast.
            "--app", "npx ts-node --transpile-only --prefer-ts-exts bin/ackbot.ts",
            "-c", f"ackbot:prebuiltAsset={STAND_IN_ASSET}",
            "-c", f"ackbot:stackName={CONTRACT_STACK}",
            "-o", str(out),
        ],
        cwd=INFRA,
        check=True,
        env={**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true"},
    )
    return out / f"{CONTRACT_STACK}.template.json"
