#!/usr/bin/env node
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AckbotStack, PREBUILT_ASSET_KEY, resolveSettings } from '../lib';

const app = new App();

// Every context value (cdk.json, cdk.context.json, -c key=value) feeds the settings.
const settings = resolveSettings(app.node.getAllContext());

// `-c ackbot:prebuiltAsset=DIR`: use a directory that already holds `bootstrap` instead of running
// cargo-lambda during synth (e.g. target/lambda/ackbot from `cargo lambda build --release`).
const prebuilt = app.node.tryGetContext(PREBUILT_ASSET_KEY) as string | undefined;
const workerCode = prebuilt ? lambda.Code.fromAsset(path.resolve(prebuilt)) : undefined;

new AckbotStack(app, settings.stackName, {
  settings,
  workerCode,
  // Environment-agnostic on purpose: no lookups, so the template synthesizes offline and deploys to
  // whichever account and region `cdk deploy` runs against.
});
