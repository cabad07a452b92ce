import { DEFAULT_SETTINGS, resolveSettings } from '../lib/settings';

describe('settings', () => {
  test('defaults: both platforms, documented 200 acks, 2 retries, 1 hour', () => {
    const s = resolveSettings({});
    expect(s).toEqual(DEFAULT_SETTINGS);
    expect(s.slack.enabled && s.line.enabled).toBe(true);
    expect([s.slack.commands.status, s.slack.interactions.status, s.slack.events.status, s.line.webhook.status]).toEqual([200, 200, 200, 200]);
    expect(s.worker.retryAttempts).toBe(2);
    expect(s.worker.maxEventAgeSeconds).toBe(3600);
    expect(s.worker.architecture).toBe('x86_64');
  });

  test('defaults: Slack events and interactions acked by the front door, commands and LINE by the gateway', () => {
    const s = resolveSettings({});
    expect([s.slack.commands.ack, s.slack.interactions.ack, s.slack.events.ack, s.line.webhook.ack]).toEqual([
      'gateway',
      'function',
      'function',
      'gateway',
    ]);
    expect(s.front).toEqual({
      memoryMb: 256,
      timeoutSeconds: 3,
      logRetentionDays: 30,
      logLevel: 'info',
      ackDeadlineMs: 2500,
      reservedConcurrency: undefined,
    });
  });

  test('ack modes and front door settings are overridable like the rest', () => {
    const s = resolveSettings({
      'ackbot:slack.events.ack': 'gateway',
      'ackbot:slack.events.body': '{"ok":true}',
      'ackbot:line.webhook.ack': 'function',
      'ackbot:front.timeoutSeconds': '6',
      'ackbot:front.ackDeadlineMs': '5000',
      'ackbot:front.memoryMb': '512',
      'ackbot:front.logLevel': 'ackbot=debug',
      'ackbot:front.reservedConcurrency': '2',
    });
    expect(s.slack.events).toEqual({ ack: 'gateway', status: 200, body: '{"ok":true}' });
    expect(s.slack.interactions.ack).toBe('function');
    expect(s.line.webhook.ack).toBe('function');
    expect(s.front).toEqual({
      memoryMb: 512,
      timeoutSeconds: 6,
      logRetentionDays: 30,
      logLevel: 'ackbot=debug',
      ackDeadlineMs: 5000,
      reservedConcurrency: 2,
    });
    // The same in cdk.json's object form.
    expect(resolveSettings({ ackbot: { slack: { interactions: { ack: 'gateway' } }, front: { memoryMb: 1024 } } })).toMatchObject({
      slack: { interactions: { ack: 'gateway', status: 200 }, events: { ack: 'function' } },
      front: { memoryMb: 1024, timeoutSeconds: 3 },
    });
  });

  test('-c ackbot:<path>=<string> overrides are typed by the default they replace', () => {
    const s = resolveSettings({
      'ackbot:slack.commands.status': '202',
      'ackbot:slack.commands.body': '{"response_type":"in_channel"}',
      'ackbot:line.enabled': 'false',
      'ackbot:worker.memoryMb': '512',
      'ackbot:worker.reservedConcurrency': '3',
      'ackbot:api.extraContentTypes': 'application/json;charset=UTF-8, text/json',
      'ackbot:secret.existing': 'ackbot/prod',
    });
    expect(s.slack.commands).toEqual({ ack: 'gateway', status: 202, body: '{"response_type":"in_channel"}' });
    expect(s.line.enabled).toBe(false);
    expect(s.worker.memoryMb).toBe(512);
    expect(s.worker.reservedConcurrency).toBe(3);
    expect(s.api.extraContentTypes).toEqual(['application/json;charset=UTF-8', 'text/json']);
    expect(s.secret.existing).toBe('ackbot/prod');
    // Untouched neighbours keep their defaults.
    expect(s.slack.events.status).toBe(200);
    expect(s.worker.timeoutSeconds).toBe(DEFAULT_SETTINGS.worker.timeoutSeconds);
  });

  test('cdk.json object, then the settings file, then single keys; later wins', () => {
    const files: Record<string, string> = {
      'my.json': JSON.stringify({ worker: { memoryMb: 1024, logRetentionDays: 90 }, line: { webhook: { status: 202 } } }),
    };
    const s = resolveSettings(
      {
        ackbot: { worker: { memoryMb: 300, timeoutSeconds: 20 } },
        'ackbot:settingsFile': 'my.json',
        'ackbot:worker.logRetentionDays': '14',
      },
      (p) => files[p],
    );
    expect(s.worker.memoryMb).toBe(1024);
    expect(s.worker.timeoutSeconds).toBe(20);
    expect(s.worker.logRetentionDays).toBe(14);
    expect(s.line.webhook.status).toBe(202);
  });

  test('worker.httpTimeoutMs (ACKBOT_HTTP_TIMEOUT_MS) and botName (ACKBOT_BOT_NAME) are settings like the rest', () => {
    expect(DEFAULT_SETTINGS.worker.httpTimeoutMs).toBe(10000); // the Rust default
    expect(DEFAULT_SETTINGS.botName).toBeUndefined(); // the stack's name
    const s = resolveSettings({ 'ackbot:worker.httpTimeoutMs': '4000', 'ackbot:botName': 'support-bot' });
    expect(s.worker.httpTimeoutMs).toBe(4000);
    expect(s.botName).toBe('support-bot');
    expect(resolveSettings({ ackbot: { botName: 'sales', worker: { httpTimeoutMs: 2000 } } })).toMatchObject({
      botName: 'sales',
      worker: { httpTimeoutMs: 2000, timeoutSeconds: 30 },
    });
  });

  test('context keys that are not ackbot settings are ignored; unknown ackbot keys are errors', () => {
    expect(() => resolveSettings({ '@aws-cdk/core:checkSecretUsage': true, 'ackbot:prebuiltAsset': '/tmp/x' })).not.toThrow();
    expect(() => resolveSettings({ 'ackbot:worker.memory': '512' })).toThrow(/unknown ackbot setting "worker.memory"/);
    expect(() => resolveSettings({ ackbot: { slak: {} } })).toThrow(/unknown ackbot setting "slak"/);
    expect(() => resolveSettings({ 'ackbot:front.deadlineMs': '100' })).toThrow(/unknown ackbot setting "front.deadlineMs"/);
  });

  test('bad values are refused with the setting named', () => {
    expect(() => resolveSettings({ 'ackbot:worker.memoryMb': 'lots' })).toThrow(/worker.memoryMb/);
    expect(() => resolveSettings({ 'ackbot:line.enabled': 'yes' })).toThrow(/line.enabled/);
    expect(() => resolveSettings({ 'ackbot:worker.logRetentionDays': '10' })).toThrow(/logRetentionDays/);
    expect(() => resolveSettings({ 'ackbot:slack.enabled': 'false', 'ackbot:line.enabled': 'false' })).toThrow(/at least one platform/);
    expect(() => resolveSettings({ 'ackbot:slack.events.ack': 'lambda' })).toThrow(/slack\.events\.ack must be gateway or function, got lambda/);
    expect(() => resolveSettings({ 'ackbot:slack.interactions.body': '{}' })).toThrow(
      /slack\.interactions\.body is for gateway acks only: on a function route the front door computes the answer/,
    );
    expect(() => resolveSettings({ 'ackbot:front.timeoutSeconds': '30' })).toThrow(/front\.timeoutSeconds must be 1–29/);
    expect(() => resolveSettings({ 'ackbot:front.timeoutSeconds': 'soon' })).toThrow(/front\.timeoutSeconds/);
    expect(() => resolveSettings({ 'ackbot:front.timeoutSeconds': '2' })).toThrow(/front\.ackDeadlineMs must be at least 100 and below/);
    expect(() => resolveSettings({ 'ackbot:front.ackDeadlineMs': '50' })).toThrow(/front\.ackDeadlineMs/);
    expect(() => resolveSettings({ 'ackbot:worker.httpTimeoutMs': 'soon' })).toThrow(/worker\.httpTimeoutMs/);
    expect(() => resolveSettings({ 'ackbot:worker.httpTimeoutMs': '0' })).toThrow(/worker\.httpTimeoutMs must be a whole number of milliseconds from 1 to 300000/);
    expect(() => resolveSettings({ 'ackbot:worker.httpTimeoutMs': '20000' })).toThrow(/worker\.httpTimeoutMs must be at most half of worker\.timeoutSeconds/);
    expect(() => resolveSettings({ 'ackbot:worker.httpTimeoutMs': '20000', 'ackbot:worker.timeoutSeconds': '40' })).not.toThrow();
    expect(() => resolveSettings({ 'ackbot:botName': 'my bot' })).toThrow(/botName may hold only/);
  });
});
