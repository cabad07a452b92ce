"""`ackbot new` end to end: a new project from an empty folder, its own `make test` and `make synth`
with a stand-in asset, as a new user runs them. (Its `make demo` runs the same demo code as this
checkout's `make demo`, already part of `make test`; the project's binary is linted by its own
`make test`.)

Run by `make new-project-test` (part of `make test`) after the `ackbot` binary is built. The new
project shares this checkout's target directory (CARGO_TARGET_DIR), so its build reuses the
compiled dependencies; it gets ackbot through `--ackbot-path`, since nothing outside the package
registries can be fetched here.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
ACKBOT = TARGET / "debug" / "ackbot"
NAME = "mybot"

# (command, seconds), in the order run: printed as a transcript at the end.
TIMINGS: list[tuple[str, float]] = []


def run(args, cwd, env=None, check=True):
    started = time.monotonic()
    proc = subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, "CARGO_TARGET_DIR": str(TARGET), **(env or {})},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    took = time.monotonic() - started
    shown = " ".join(str(a) for a in args).replace(str(REPO), "<ackbot checkout>")
    TIMINGS.append((shown, took))
    if check and proc.returncode != 0:
        pytest.fail(
            f"`{shown}` exited {proc.returncode}\n--- stdout ---\n{proc.stdout[-6000:]}"
            f"\n--- stderr ---\n{proc.stderr[-6000:]}"
        )
    return proc


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    assert ACKBOT.is_file(), f"build the binary first: {ACKBOT} is missing"
    empty = tmp_path_factory.mktemp("empty-folder")
    proc = run([ACKBOT, "new", NAME, "--ackbot-path", REPO], cwd=empty)
    assert "make demo" in proc.stdout and "make test" in proc.stdout, proc.stdout
    yield empty / NAME
    print("\n\nA new user's transcript (this machine):")
    for command, took in TIMINGS:
        print(f"  {took:8.1f} s  {command}")


def test_new_writes_the_project(project):
    for path in [
        "Cargo.toml", "Cargo.lock", "src/main.rs", "src/lib.rs", "tests/hello.rs", "Makefile",
        "README.md", ".gitignore", ".env.example", "infra/package.json", "infra/bin/app.ts",
        "infra/cdk.json", "infra/test/app.test.ts",
    ]:
        assert (project / path).is_file(), path
    readme = (project / "README.md").read_text()
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block, first_block
    assert ".env" in (project / ".gitignore").read_text().splitlines()


def test_new_refuses_to_overwrite(project):
    proc = run([ACKBOT, "new", NAME, "--ackbot-path", REPO], cwd=project.parent, check=False)
    assert proc.returncode != 0
    assert "already exists" in proc.stderr, proc.stderr
    assert "nothing was overwritten" in proc.stderr


def test_the_projects_own_make_test_passes(project):
    proc = run(["make", "test"], cwd=project)
    out = proc.stdout + proc.stderr
    # The bot's tests through ackbot::testing, and the CDK app's jest suite.
    assert "test result: ok. 4 passed" in out, out[-4000:]
    assert "Tests:" in out and "failed" not in out.split("Tests:", 1)[1].splitlines()[0], out[-4000:]


def test_the_projects_manifest_is_named_after_it_and_make_fmt_formats(project):
    # `make test` built the project's binary: its manifest names the app after the package.
    proc = run(
        [TARGET / "debug" / NAME, "manifest", "slack", "--base-url", "https://example.com/prod"],
        cwd=project,
    )
    assert f"name: {NAME}" in proc.stdout, proc.stdout[:2000]
    lib = project / "src" / "lib.rs"
    original = lib.read_text()
    lib.write_text(original.replace("pub fn bot() -> Bot {", "pub fn bot()   ->   Bot {"))
    lint = run(["make", "lint"], cwd=project, check=False)
    assert lint.returncode != 0 and "run make fmt" in lint.stdout + lint.stderr, lint.stdout
    run(["make", "fmt"], cwd=project)
    assert lib.read_text() == original


def readme_snippets():
    """The README's Rust blocks, as rustdoc compiles them: `# ` lines shown."""
    text = (REPO / "README.md").read_text()
    blocks = []
    for part in text.split("```rust")[1:]:
        body = part.split("\n", 1)[1].split("```", 1)[0]
        lines = []
        for line in body.splitlines():
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            if stripped == "#":
                lines.append("")
            elif stripped.startswith("# "):
                lines.append(indent + stripped[2:])
            else:
                lines.append(line)
        blocks.append("\n".join(lines))
    return blocks


def test_the_readmes_snippets_compile_in_the_project(project):
    # Each block a module of one example, as a user would paste it: ackbot's public paths only.
    snippets = readme_snippets()
    assert len(snippets) >= 6, len(snippets)
    modules = "\n".join(
        f"#[allow(dead_code, unused_imports)]\nmod snippet_{n} {{\n{code}\n}}\n"
        for n, code in enumerate(snippets)
    )
    examples = project / "examples"
    examples.mkdir(exist_ok=True)
    (examples / "readme.rs").write_text(modules + "\nfn main() {}\n")
    try:
        run(["cargo", "build", "--quiet", "--example", "readme"], cwd=project)
    finally:
        (examples / "readme.rs").unlink()
        examples.rmdir()


BUILTINS = ["ask", "choose", "echo", "feedback", "help", "ping", "wait", "welcome"]


def test_the_builtins_compile_as_a_bots_own_code(project):
    # The built-in commands are the examples to copy: each file copied as it is into a bot (no
    # path of ackbot's own crates), they build there and mount as `builtins()` does.
    example = project / "examples" / "builtins"
    example.mkdir(parents=True)
    for name in BUILTINS:
        shutil.copy(REPO / "src" / "handlers" / f"{name}.rs", example / f"{name}.rs")
    modules = "".join(f"mod {name};\n" for name in BUILTINS)
    (example / "main.rs").write_text(
        "#![allow(dead_code)]\n" + modules + "\nfn main() {\n"
        "    let _ = ackbot::Bot::new()\n"
        "        .command(echo::echo())\n        .command(help::help())\n"
        "        .command(ping::ping())\n        .command(wait::wait())\n"
        "        .mount(feedback::feedback())\n        .mount(choose::choose())\n"
        "        .mount(ask::assistant())\n        .on(\"follow\", welcome::welcome)\n"
        "        .build()\n        .expect(\"the copied built-ins build\");\n}\n"
    )
    try:
        run(["cargo", "build", "--quiet", "--example", "builtins"], cwd=project)
    finally:
        shutil.rmtree(project / "examples")


def test_the_project_synthesizes_with_a_stand_in_asset(project):
    run(["make", "synth", "ASSET=infra/test/fixtures/stand-in-asset"], cwd=project)
    template = json.loads((project / "infra" / "cdk.out" / "Mybot.template.json").read_text())
    functions = [
        r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
    ]
    roles = sorted(f["Environment"]["Variables"]["ACKBOT_ROLE"] for f in functions)
    assert roles == ["front", "worker"], roles
    for function in functions:
        assert function["Runtime"] == "provided.al2023"
        assert function["Handler"] == "bootstrap"
    routes = {
        r["Properties"]["PathPart"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::Resource"
    }
    assert {"commands", "events", "interactions", "webhook"} <= routes, routes
