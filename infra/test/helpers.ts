import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AckbotStack } from '../lib/ackbot-stack';
import { AckbotSettings, DEFAULT_SETTINGS, DeepPartial, mergeSettings, resolveSettings } from '../lib/settings';

/** A directory holding a stand-in `bootstrap`, so synth never runs cargo-lambda in unit tests. */
export const STAND_IN_ASSET = path.join(__dirname, 'fixtures', 'stand-in-asset');

/** The cloud assembly directories of this test file's apps, removed when its tests are done. */
const outdirs: string[] = [];

// Registered once per test file (jest loads this module afresh for each), after all its tests:
// apps made at a describe's top level are shared by the tests below them.
afterAll(() => {
  for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * An App for a test. Without an `outdir`, every `new App()` makes a `cdk.out*` directory in the
 * system's temporary directory and leaves it there; this one gets its own, removed after the file.
 */
export function testApp(props: Omit<AppProps, 'outdir'> = {}): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ackbot-cdk-test-'));
  outdirs.push(outdir);
  return new App({ ...props, outdir });
}

/** Synthesize the stack with the given setting overrides and the stand-in worker code. */
export function synth(overrides: DeepPartial<AckbotSettings> = {}): { stack: AckbotStack; template: Template } {
  const app = testApp();
  const settings = mergeSettings(DEFAULT_SETTINGS, overrides);
  const stack = new AckbotStack(app, 'Test', { settings, workerCode: lambda.Code.fromAsset(STAND_IN_ASSET) });
  return { stack, template: Template.fromStack(stack) };
}

/**
 * Synthesize the stack with settings resolved from CDK context as `bin/ackbot.ts` does (derived
 * defaults included), and the stand-in worker code.
 */
export function synthContext(context: Record<string, unknown>): { stack: AckbotStack; template: Template } {
  const app = testApp();
  const settings = resolveSettings(context);
  const stack = new AckbotStack(app, 'Test', { settings, workerCode: lambda.Code.fromAsset(STAND_IN_ASSET) });
  return { stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, any> };

/** All resources of one type, as a list of their definitions. */
export function resources(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

/** The POST methods keyed by their route path (e.g. "/slack/commands"), walking the resource tree. */
export function methodsByRoute(template: Template): Record<string, Resource> {
  const all = template.toJSON().Resources as Record<string, Resource>;
  const pathOf = (id: string): string => {
    const res = all[id];
    const parent = res.Properties.ParentId;
    const prefix = parent.Ref ? pathOf(parent.Ref) : ''; // the root is a GetAtt RootResourceId
    return `${prefix}/${res.Properties.PathPart}`;
  };
  const out: Record<string, Resource> = {};
  for (const res of Object.values(all)) {
    if (res.Type !== 'AWS::ApiGateway::Method') continue;
    out[pathOf(res.Properties.ResourceId.Ref)] = res;
  }
  return out;
}

/** The logical ID of the one resource of `type` whose construct id is `constructId` (e.g. "Worker"). */
export function logicalId(template: Template, type: string, constructId: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} ${constructId}, found ${JSON.stringify(ids)}`);
  return ids[0];
}

/** Every statement of the identity policies attached to the role with logical ID `roleId`. */
export function roleStatements(template: Template, roleId: string): Record<string, any>[] {
  return resources(template, 'AWS::IAM::Policy')
    .filter((p) => (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}
