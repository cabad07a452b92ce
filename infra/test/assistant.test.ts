import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AckbotBot, SECRET_KEYS } from '../lib';
import { DEFAULT_SETTINGS, mergeSettings, resolveSettings } from '../lib/settings';
import { STAND_IN_ASSET, resources, synth, synthContext, testApp } from './helpers';

/** The least context that turns the assistant on, as `-c` values. */
const ON = {
  'ackbot:assistant.enabled': 'true',
  'ackbot:assistant.url': 'https://api.openai.com/v1',
  'ackbot:assistant.model': 'gpt-4o-mini',
};

/** The environment of the function with `ACKBOT_ROLE` = `role`. */
function envOf(template: ReturnType<typeof synth>['template'], role: 'worker' | 'front'): Record<string, unknown> {
  return resources(template, 'AWS::Lambda::Function').find((f) => f.Properties.Environment.Variables.ACKBOT_ROLE === role)!
    .Properties.Environment.Variables;
}

/** The worker function's properties. */
function workerOf(template: ReturnType<typeof synth>['template']): Record<string, any> {
  return resources(template, 'AWS::Lambda::Function').find((f) => f.Properties.Environment.Variables.ACKBOT_ROLE === 'worker')!.Properties;
}

/** The created secret's skeleton. */
function skeletonOf(template: ReturnType<typeof synth>['template']): Record<string, string> {
  return JSON.parse(resources(template, 'AWS::SecretsManager::Secret')[0].Properties.SecretString);
}

describe('assistant settings', () => {
  test('defaults: off, 120 s for the model, nothing else set; the worker keeps 30 s and claims 120 s', () => {
    expect(DEFAULT_SETTINGS.assistant).toEqual({ enabled: false, url: undefined, model: undefined, systemPrompt: undefined, timeoutSeconds: 120 });
    const s = resolveSettings({});
    expect(s.worker.timeoutSeconds).toBe(30);
    expect(s.idempotency.inProgressSeconds).toBe(120);
    // Off, its own timeout moves nothing else.
    expect(resolveSettings({ 'ackbot:assistant.timeoutSeconds': '300' })).toMatchObject({
      assistant: { enabled: false, timeoutSeconds: 300 },
      worker: { timeoutSeconds: 30 },
      idempotency: { inProgressSeconds: 120 },
    });
  });

  test('-c ackbot:assistant.<key>=<string> values are typed like the rest', () => {
    const s = resolveSettings({
      ...ON,
      'ackbot:assistant.systemPrompt': 'You are terse, exact, and kind.',
      'ackbot:assistant.timeoutSeconds': '60',
    });
    expect(s.assistant).toEqual({
      enabled: true,
      url: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      systemPrompt: 'You are terse, exact, and kind.', // a string setting: its commas stay
      timeoutSeconds: 60,
    });
    expect(s.worker.timeoutSeconds).toBe(90);
    expect(s.idempotency.inProgressSeconds).toBe(180);
    expect(() => resolveSettings({ ...ON, 'ackbot:assistant.enabled': 'yes' })).toThrow(/assistant.enabled/);
    expect(() => resolveSettings({ ...ON, 'ackbot:assistant.timeoutSeconds': 'long' })).toThrow(/assistant.timeoutSeconds/);
    expect(() => resolveSettings({ 'ackbot:assistant.key': 'sk-x' })).toThrow(/unknown ackbot setting "assistant.key"/);
  });

  test('on: the worker gets the model\'s time plus 30 s, a claim the worker\'s plus 90 s, unless they were set', () => {
    expect(resolveSettings(ON)).toMatchObject({ worker: { timeoutSeconds: 150 }, idempotency: { inProgressSeconds: 240 } });
    expect(resolveSettings({ ackbot: { assistant: { enabled: true, url: 'https://x.example/v1', model: 'm', timeoutSeconds: 840 } } })).toMatchObject({
      worker: { timeoutSeconds: 870 },
      idempotency: { inProgressSeconds: 960 },
    });
    // worker.timeoutSeconds set in any source is kept; the claim follows it.
    const files: Record<string, string> = { 'w.json': JSON.stringify({ worker: { timeoutSeconds: 200 } }) };
    for (const context of [
      { ...ON, 'ackbot:worker.timeoutSeconds': '200' },
      { ...ON, ackbot: { worker: { timeoutSeconds: 200 } } },
      { ...ON, 'ackbot:settingsFile': 'w.json' },
    ]) {
      expect(resolveSettings(context, (p) => files[p])).toMatchObject({ worker: { timeoutSeconds: 200 }, idempotency: { inProgressSeconds: 290 } });
    }
    // idempotency.inProgressSeconds set is kept too.
    expect(resolveSettings({ ...ON, 'ackbot:idempotency.inProgressSeconds': '600' })).toMatchObject({
      worker: { timeoutSeconds: 150 },
      idempotency: { inProgressSeconds: 600 },
    });
    // Set to its default value is still set.
    expect(() => resolveSettings({ ...ON, 'ackbot:worker.timeoutSeconds': '30' })).toThrow(/worker\.timeoutSeconds must be at least/);
  });

  test('on: what it needs, and its shapes, are checked with the setting named', () => {
    const errorOf = (context: Record<string, unknown>): string => {
      try {
        resolveSettings(context);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`accepted: ${JSON.stringify(context)}`);
    };
    expect(errorOf({ 'ackbot:assistant.enabled': 'true' })).toBe(
      'invalid ackbot settings:\n' +
        '  assistant.url is required with assistant.enabled: the https base URL of an OpenAI-compatible API, ending in /v1 (e.g. https://api.openai.com/v1)\n' +
        '  assistant.model is required with assistant.enabled: the model\'s name (e.g. gpt-4o-mini)',
    );
    expect(errorOf({ ...ON, 'ackbot:assistant.url': 'http://api.openai.com/v1' })).toMatch(
      /assistant\.url must be an https base URL ending in \/v1 \(e\.g\. https:\/\/api\.openai\.com\/v1\), got "http:\/\/api\.openai\.com\/v1"/,
    );
    for (const url of ['https://api.openai.com', 'https://api.openai.com/v1/chat/completions', 'https:///v1', 'https://x.example/v1?key=1', ' https://api.openai.com/v1']) {
      expect(errorOf({ ...ON, 'ackbot:assistant.url': url })).toMatch(/assistant\.url must be an https base URL ending in \/v1/);
    }
    expect(resolveSettings({ ...ON, 'ackbot:assistant.url': 'https://llm.example.com/openai/v1/' }).assistant?.url).toBe('https://llm.example.com/openai/v1/');
    expect(errorOf({ ...ON, 'ackbot:assistant.model': ' ' })).toMatch(/assistant\.model is required with assistant\.enabled/);
    for (const t of ['0', '841', '1.5']) {
      expect(errorOf({ ...ON, 'ackbot:assistant.timeoutSeconds': t })).toMatch(/assistant\.timeoutSeconds must be a whole number of seconds from 1 to 840/);
    }
    expect(errorOf({ ...ON, ackbot: { assistant: { systemPrompt: 42 } } })).toMatch(/assistant\.systemPrompt must be a string, got 42/);
  });

  test('on: a worker timeout set too short for the model is refused, saying what to raise and by how much', () => {
    expect(() => resolveSettings({ ...ON, 'ackbot:worker.timeoutSeconds': '60' })).toThrow(
      'worker.timeoutSeconds must be at least assistant.timeoutSeconds + 10 (130: the model\'s time, then ending the stream and sending the reply), ' +
        'got 60: raise worker.timeoutSeconds by 70 to 130, or lower assistant.timeoutSeconds by 70 to 50 ' +
        '(or leave worker.timeoutSeconds unset: resolveSettings then makes it assistant.timeoutSeconds + 30)',
    );
    // Lowering the model's time below 1 s is no way out: only the raise is offered.
    expect(() => resolveSettings({ ...ON, 'ackbot:assistant.timeoutSeconds': '5', 'ackbot:worker.timeoutSeconds': '1', 'ackbot:worker.httpTimeoutMs': '500' })).toThrow(
      /got 1: raise worker\.timeoutSeconds by 14 to 15 \(or leave/,
    );
    expect(() => resolveSettings({ ...ON, 'ackbot:worker.timeoutSeconds': '130' })).not.toThrow();
    // A claim set shorter than the derived worker timeout is refused by the idempotency rule.
    expect(() => resolveSettings({ ...ON, 'ackbot:idempotency.inProgressSeconds': '150' })).toThrow(
      /idempotency\.inProgressSeconds must exceed worker\.timeoutSeconds \(150\), got 150/,
    );
  });

  test('off: url, model and systemPrompt are refused rather than ignored', () => {
    expect(() => resolveSettings({ 'ackbot:assistant.url': 'https://api.openai.com/v1' })).toThrow(
      /assistant\.url is for the assistant only \(set assistant\.enabled=true, or drop assistant\.url\)/,
    );
    expect(() => resolveSettings({ 'ackbot:assistant.model': 'gpt-4o-mini' })).toThrow(/assistant\.model is for the assistant only/);
    expect(() => resolveSettings({ 'ackbot:assistant.systemPrompt': 'Be brief.' })).toThrow(/assistant\.systemPrompt is for the assistant only/);
  });

  test('the derived timeouts are resolveSettings\'s: settings merged in code set the worker\'s themselves', () => {
    const settings = mergeSettings(DEFAULT_SETTINGS, { assistant: { enabled: true, url: 'https://api.openai.com/v1', model: 'gpt-4o-mini' } });
    const code = lambda.Code.fromAsset(STAND_IN_ASSET);
    expect(() => new AckbotBot(new Stack(testApp(), 'MyStack'), 'Bot', { settings, code })).toThrow(/worker\.timeoutSeconds must be at least assistant\.timeoutSeconds \+ 10 \(130\b/);
    const fixed = mergeSettings(settings, { worker: { timeoutSeconds: 150 }, idempotency: { inProgressSeconds: 240 } });
    expect(() => new AckbotBot(new Stack(testApp(), 'MyStack'), 'Bot', { settings: fixed, code })).not.toThrow();
  });
});

describe('assistant in the template', () => {
  const defaults = synth();

  test('off (the default): the template is the one without it, and no ACKBOT_LLM_* anywhere', () => {
    const off = synthContext({ 'ackbot:assistant.enabled': 'false', 'ackbot:assistant.timeoutSeconds': '300' });
    expect(off.template.toJSON()).toEqual(defaults.template.toJSON());
    expect(JSON.stringify(defaults.template.toJSON())).not.toContain('ACKBOT_LLM');
    expect(workerOf(defaults.template).Timeout).toBe(30);
    expect(envOf(defaults.template, 'worker').ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS).toBe('120000');
    expect(Object.keys(skeletonOf(defaults.template))).not.toContain('ACKBOT_LLM_API_KEY');
  });

  describe('on', () => {
    const { template } = synthContext({ ...ON, 'ackbot:assistant.systemPrompt': 'Answer in one paragraph.' });

    test('the worker gets the four settings, and only the worker', () => {
      const worker = envOf(template, 'worker');
      expect(Object.fromEntries(Object.entries(worker).filter(([k]) => k.startsWith('ACKBOT_LLM_')))).toEqual({
        ACKBOT_LLM_URL: 'https://api.openai.com/v1',
        ACKBOT_LLM_MODEL: 'gpt-4o-mini',
        ACKBOT_LLM_TIMEOUT_SECS: '120',
        ACKBOT_LLM_SYSTEM_PROMPT: 'Answer in one paragraph.',
      });
      expect(Object.keys(envOf(template, 'front')).filter((k) => k.startsWith('ACKBOT_LLM_'))).toEqual([]);
    });

    test('the API key is an empty key of the created secret, and nowhere else', () => {
      expect(SECRET_KEYS.assistant).toEqual(['ACKBOT_LLM_API_KEY']);
      expect(skeletonOf(template)).toEqual({
        SLACK_SIGNING_SECRET: '',
        SLACK_BOT_TOKEN: '',
        LINE_CHANNEL_SECRET: '',
        LINE_CHANNEL_ACCESS_TOKEN: '',
        ACKBOT_LLM_API_KEY: '',
      });
      const json = JSON.stringify(template.toJSON());
      expect(json.split('ACKBOT_LLM_API_KEY').length - 1).toBe(1); // in the SecretString only
    });

    test('the worker times out after 150 s, and its claims hold 240 s', () => {
      expect(workerOf(template).Timeout).toBe(150);
      expect(envOf(template, 'worker').ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS).toBe('240000');
    });

    test('without a system prompt, no ACKBOT_LLM_SYSTEM_PROMPT', () => {
      const plain = synthContext(ON).template;
      expect(Object.keys(envOf(plain, 'worker')).filter((k) => k.startsWith('ACKBOT_LLM_')).sort()).toEqual([
        'ACKBOT_LLM_MODEL',
        'ACKBOT_LLM_TIMEOUT_SECS',
        'ACKBOT_LLM_URL',
      ]);
    });
  });

  test('an explicit worker.timeoutSeconds is kept, and the claim follows it', () => {
    const { template } = synthContext({ ...ON, 'ackbot:worker.timeoutSeconds': '200', 'ackbot:assistant.timeoutSeconds': '180' });
    expect(workerOf(template).Timeout).toBe(200);
    expect(envOf(template, 'worker').ACKBOT_LLM_TIMEOUT_SECS).toBe('180');
    expect(envOf(template, 'worker').ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS).toBe('290000');
  });

  test('with an existing secret nothing is created: the key goes into that secret', () => {
    const { template } = synthContext({ ...ON, 'ackbot:secret.existing': 'ackbot/prod' });
    expect(resources(template, 'AWS::SecretsManager::Secret')).toHaveLength(0);
    expect(JSON.stringify(template.toJSON())).not.toContain('ACKBOT_LLM_API_KEY');
  });
});

describe('settings written out before the assistant existed', () => {
  test('an AckbotSettings without `assistant` synthesizes with the assistant off', () => {
    const { assistant, ...before } = DEFAULT_SETTINGS;
    expect(assistant?.enabled).toBe(false);
    const code = lambda.Code.fromAsset(STAND_IN_ASSET);
    const stack = new Stack(testApp(), 'Before');
    new AckbotBot(stack, 'Bot', { settings: before, code });
    const functions = resources(Template.fromStack(stack), 'AWS::Lambda::Function');
    const names = functions.flatMap((f) => Object.keys(f.Properties?.Environment?.Variables ?? {}));
    expect(names).toContain('ACKBOT_ROLE');
    expect(names.filter((k) => k.startsWith('ACKBOT_LLM'))).toEqual([]);
  });
});
