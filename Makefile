# ackbot — every command installs what it needs itself (Rust crates via cargo, the contract
# test's Python packages in infra/.venv, cargo-lambda in .venv-lambda, moto in .venv-moto, npm
# packages in infra/).

SHELL := /bin/bash
CARGO ?= cargo
# A clean build gains nothing from incremental compilation, and its caches fill the disk.
export CARGO_INCREMENTAL ?= 0
PYTHON ?= python3
CONTRACT_VENV := infra/.venv
LAMBDA_VENV := .venv-lambda

.PHONY: demo test lint rust-test test-bin lambda-only demo-check infra-test contract-test new-project-test browser-test screenshot inspect synth deploy bench-lambda tools

## demo: run the whole flow on loopback — edge, workers, stand-ins of Slack, LINE and Discord, signed samples
demo:
	$(CARGO) run --quiet --bin ackbot -- demo

## test: every check CI runs — format, clippy, Rust tests, the Lambda-only build, the demo's own
## verdict, CDK tests, the VTL → Lambda contract test, `ackbot new` end to end, and the inspector
## in a headless browser
test: tools lint rust-test lambda-only demo-check infra-test contract-test new-project-test browser-test

tools:
	@if command -v rustup >/dev/null; then rustup component add rustfmt clippy >/dev/null 2>&1 || true; fi

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --features ackbot/testing -- -D warnings

# tests/idempotency.rs runs the DynamoDB store against moto's server, which it starts itself.
MOTO_VENV := .venv-moto

# tests/binary/assistant.rs checks the model's stand-in with OpenAI's own Python client.
OPENAI_VENV := .venv-openai
$(OPENAI_VENV)/.installed:
	$(PYTHON) -m venv $(OPENAI_VENV)
	$(OPENAI_VENV)/bin/pip install --quiet --disable-pip-version-check 'openai==3.51.0'
	touch $@

$(MOTO_VENV)/.installed:
	$(PYTHON) -m venv $(MOTO_VENV)
	$(MOTO_VENV)/bin/pip install --quiet --disable-pip-version-check 'moto[server]==5.2.5'
	touch $@

# The Rust tests' build; its `ackbot` binary (the one the end-to-end tests run) is also the one
# the demo, the contract test, the new project and the browser test use: one build, not two.
# Every target with tests (unit, integration, the `tenant` example's), then the doctests; the
# other examples and the bench server have none, and clippy has compiled them.
TEST_SCOPE := --workspace --exclude ackbot-bench-server --features ackbot/testing
TEST_BUILD := $(CARGO) test $(TEST_SCOPE) --tests
ACKBOT_BIN := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/debug/ackbot
# Four test threads on two cores: the end-to-end tests mostly wait on the processes they start.
rust-test: $(MOTO_VENV)/.installed $(OPENAI_VENV)/.installed
	MOTO_SERVER=$(CURDIR)/$(MOTO_VENV)/bin/moto_server OPENAI_PYTHON=$(CURDIR)/$(OPENAI_VENV)/bin/python RUST_TEST_THREADS=4 $(TEST_BUILD)
	$(CARGO) test $(TEST_SCOPE) --doc
# Builds $(ACKBOT_BIN) (nothing to do after rust-test).
test-bin:
	$(TEST_BUILD) --no-run --quiet

# A bot that only runs on Lambda: no axum, no command line, no stand-ins.
lambda-only:
	$(CARGO) clippy -p ackbot --no-default-features --features lambda --lib --bins -- -D warnings
	$(CARGO) build -p ackbot --no-default-features --features lambda --bin ackbot

# The demo fails (non-zero) when any sample does not behave as expected.
demo-check: test-bin
	$(ACKBOT_BIN) demo

infra/node_modules/.package-lock.json: infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund

infra-test: infra/node_modules/.package-lock.json
	cd infra && npm test

$(CONTRACT_VENV)/.installed: infra/contract/requirements.txt
	$(PYTHON) -m venv $(CONTRACT_VENV)
	$(CONTRACT_VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/contract/requirements.txt
	touch $@

contract-test: $(CONTRACT_VENV)/.installed infra/node_modules/.package-lock.json test-bin
	ACKBOT_BIN=$(ACKBOT_BIN) $(CONTRACT_VENV)/bin/python -m pytest infra/contract

# `ackbot new mybot --ackbot-path .` into a temporary folder, then that project's own `make test`,
# `make demo` and `make synth` with a stand-in asset; it shares this checkout's target directory.
new-project-test: $(CONTRACT_VENV)/.installed test-bin
	$(CONTRACT_VENV)/bin/python -m pytest tests/e2e -v -s

# The inspector (`ackbot serve`'s GET /_ackbot/) in Debian's headless Chromium, driven by Selenium
# through Debian's chromedriver (installed by install-chromium.sh when missing; nothing downloaded).
BROWSER_VENV := .venv-browser

$(BROWSER_VENV)/.installed: tests/browser/requirements.txt
	$(PYTHON) -m venv $(BROWSER_VENV)
	$(BROWSER_VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/browser/requirements.txt
	touch $@

browser-test: $(BROWSER_VENV)/.installed test-bin
	bash tests/browser/install-chromium.sh
	SE_OFFLINE=true $(BROWSER_VENV)/bin/python -m pytest tests/browser -v

## screenshot: the browser test's screenshot of the inspector, copied to docs/ for the README
screenshot: browser-test
	cp target/inspector.png docs/inspector.png

## inspect: the demo, then its edge kept running with the inspector open (Ctrl-C stops it)
inspect:
	$(CARGO) run --quiet --bin ackbot -- demo --inspect --addr 127.0.0.1:3000

$(LAMBDA_VENV)/.installed:
	$(PYTHON) -m venv $(LAMBDA_VENV)
	$(LAMBDA_VENV)/bin/pip install --quiet --disable-pip-version-check cargo-lambda
	touch $@

## synth: build the Lambda binary with cargo-lambda and synthesize the CDK stack (offline)
synth: $(LAMBDA_VENV)/.installed infra/node_modules/.package-lock.json
	cd infra && PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" npx cdk synth --quiet $(CDK_ARGS)
	@echo "synthesized: infra/cdk.out/"

## deploy: build and deploy the stack (needs AWS credentials and a bootstrapped account);
## settings as CDK_ARGS="-c ackbot:slack.distribution=true" (synth takes them too)
deploy: $(LAMBDA_VENV)/.installed infra/node_modules/.package-lock.json
	cd infra && PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" npx cdk deploy $(CDK_ARGS)

## bench-lambda: artifact size, GLIBC check and cold start of the Lambda binary (a benchmark)
bench-lambda: $(LAMBDA_VENV)/.installed
	PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" $(PYTHON) bench/lambda_cold_start.py

## bench: ackbot side by side with Bolt (Python, JS) and the LINE SDKs (Python, Node) on the same work:
## cold start, warm latency and CPU, peak RSS, artifact sizes → bench/results/latest.{md,json,svg}
## (installs the pinned peers itself; a benchmark, not in `make test`)
PEERS_NODE := bench/compare/peers/node
.PHONY: bench
$(PEERS_NODE)/node_modules/.package-lock.json: $(PEERS_NODE)/package-lock.json
	cd $(PEERS_NODE) && npm ci --no-audit --no-fund

bench: $(LAMBDA_VENV)/.installed $(PEERS_NODE)/node_modules/.package-lock.json
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	bash bench/compare/peers/python/install.sh
	PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" $(PYTHON) bench/compare/bench.py $(BENCH_ARGS)

## bench-stream: `ask` streamed by a release `ackbot serve` from a model stand-in (a word every
## 20 ms): first word → chat.startStream and webhook → LINE loading start (p50/p99), Slack calls per
## 1,000 characters (a benchmark, not in `make test`; STREAM_ARGS="RUNS WORD_GAP_MS")
.PHONY: bench-stream
bench-stream:
	$(CARGO) build --release --bin ackbot
	$(CARGO) run --release -p ackbot-bench-server --bin stream-bench -- target/release/ackbot $(STREAM_ARGS)

## soak: 10,000 signed webhooks (duplicates, tampered) against a release `ackbot serve` and platform
## stand-ins that inject faults; checks every event is answered once (a benchmark, not in `make test`)
.PHONY: soak
soak:
	$(CARGO) build --release --bin ackbot
	$(PYTHON) bench/soak.py --skip-build $(SOAK_ARGS)

## fuzz: every cargo-fuzz target (fuzz/) for FUZZ_SECONDS each, with executions per target (nightly;
## installs cargo-fuzz if missing; not in `make test`)
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh
