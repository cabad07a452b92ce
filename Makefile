# ackbot — every command installs what it needs itself (Rust crates via cargo, the contract
# test's Python packages in infra/.venv, cargo-lambda in .venv-lambda, npm packages in infra/).

SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3
CONTRACT_VENV := infra/.venv
LAMBDA_VENV := .venv-lambda

.PHONY: demo test lint rust-test lambda-only demo-check infra-test contract-test synth deploy bench-lambda tools

## demo: run the whole flow on loopback — edge, workers, stand-ins of Slack and LINE, signed samples
demo:
	$(CARGO) run --quiet --bin ackbot -- demo

## test: every check CI runs — format, clippy, Rust tests, the Lambda-only build, the demo's own
## verdict, CDK tests, the VTL → Lambda contract test
test: tools lint rust-test lambda-only demo-check infra-test contract-test

tools:
	@if command -v rustup >/dev/null; then rustup component add rustfmt clippy >/dev/null 2>&1 || true; fi

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

rust-test:
	$(CARGO) test --workspace

# A bot that only runs on Lambda: no axum, no command line, no stand-ins.
lambda-only:
	$(CARGO) clippy -p ackbot --no-default-features --features lambda --lib --bins -- -D warnings
	$(CARGO) build -p ackbot --no-default-features --features lambda --bin ackbot

# The demo fails (non-zero) when any sample does not behave as expected.
demo-check:
	$(CARGO) run --quiet --bin ackbot -- demo

infra/node_modules/.package-lock.json: infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund

infra-test: infra/node_modules/.package-lock.json
	cd infra && npm test

$(CONTRACT_VENV)/.installed: infra/contract/requirements.txt
	$(PYTHON) -m venv $(CONTRACT_VENV)
	$(CONTRACT_VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/contract/requirements.txt
	touch $@

contract-test: $(CONTRACT_VENV)/.installed infra/node_modules/.package-lock.json
	$(CARGO) build --bin ackbot
	$(CONTRACT_VENV)/bin/python -m pytest infra/contract

$(LAMBDA_VENV)/.installed:
	$(PYTHON) -m venv $(LAMBDA_VENV)
	$(LAMBDA_VENV)/bin/pip install --quiet --disable-pip-version-check cargo-lambda
	touch $@

## synth: build the Lambda binary with cargo-lambda and synthesize the CDK stack (offline)
synth: $(LAMBDA_VENV)/.installed infra/node_modules/.package-lock.json
	cd infra && PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" npx cdk synth --quiet
	@echo "synthesized: infra/cdk.out/"

## deploy: build and deploy the stack (needs AWS credentials and a bootstrapped account)
deploy: $(LAMBDA_VENV)/.installed infra/node_modules/.package-lock.json
	cd infra && PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" npx cdk deploy

## bench-lambda: artifact size, GLIBC check and cold start of the Lambda binary (a benchmark)
bench-lambda: $(LAMBDA_VENV)/.installed
	PATH="$(CURDIR)/$(LAMBDA_VENV)/bin:$$PATH" $(PYTHON) bench/lambda_cold_start.py
