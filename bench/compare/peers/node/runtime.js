#!/usr/bin/env node
// A minimal AWS Lambda runtime for Node.js: what the managed Node runtime does around a handler,
// without aws-lambda-ric's native addon. Standard library only.
//
//     AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 node runtime.js bolt_js.handler
//
// Init phase: `require` the handler's module (relative to $LAMBDA_TASK_ROOT, else this directory)
// before the first poll; a failure there is posted to /init/error and ends the process, as Lambda
// does. Then, forever: GET /invocation/next (blocks until there is an event), call the handler with
// (event, context, callback), and POST its result to /invocation/{id}/response, or the error to
// /invocation/{id}/error. Async handlers (a returned promise) and callback handlers both work; the
// first of the two to settle wins, as in the managed runtime.
//
// Left out on purpose (none of it changes the work a peer does per invocation): streaming responses,
// X-Ray, the log format switch, `callbackWaitsForEmptyEventLoop` (the response is posted as soon as
// the handler settles), and ES module handlers.
'use strict';

const http = require('node:http');
const path = require('node:path');

const RUNTIME_API = process.env.AWS_LAMBDA_RUNTIME_API;
const PREFIX = '/2018-06-01/runtime';
// One kept-alive connection to the Runtime API, as the managed runtime's client keeps.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, urlPath, body, headers = {}) {
  const [host, port] = RUNTIME_API.split(':');
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = http.request(
      {
        host,
        port: Number(port || 80),
        method,
        path: PREFIX + urlPath,
        agent,
        headers: payload === undefined
          ? headers
          : { 'Content-Type': 'application/json', 'Content-Length': payload.length, ...headers },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    // A small response must not wait on the peer's delayed ACK (Nagle).
    req.on('socket', (socket) => socket.setNoDelay(true));
    req.on('error', reject);
    req.end(payload);
  });
}

function errorPayload(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: err.name || 'Error',
    errorMessage: err.message,
    trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
  };
}

async function postError(urlPath, error) {
  const payload = errorPayload(error);
  console.error(`${payload.errorType}: ${payload.errorMessage}`);
  await request('POST', urlPath, JSON.stringify(payload), {
    'Lambda-Runtime-Function-Error-Type': `Runtime.${payload.errorType}`,
  });
}

function loadHandler(spec) {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0) throw new Error(`bad handler "${spec}": expected module.function`);
  const root = process.env.LAMBDA_TASK_ROOT || __dirname;
  const mod = require(path.resolve(root, spec.slice(0, dot)));
  const handler = spec.slice(dot + 1).split('.').reduce((obj, key) => (obj == null ? obj : obj[key]), mod);
  if (typeof handler !== 'function') throw new Error(`handler "${spec}" is not a function`);
  return handler;
}

function buildContext(headers) {
  const deadlineMs = Number(headers['lambda-runtime-deadline-ms']);
  const env = process.env;
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadlineMs - Date.now(),
  };
}

// Calls the handler and settles with the first of: the returned promise, or the callback.
function invoke(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error);
      else resolve(result);
    };
    const callback = (error, result) => settle(error, result);
    context.done = callback;
    context.succeed = (result) => settle(null, result);
    context.fail = (error) => settle(error ?? new Error('handled'));
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      settle(error);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then((result) => settle(null, result), (error) => settle(error));
    }
  });
}

async function main() {
  if (!RUNTIME_API) throw new Error('AWS_LAMBDA_RUNTIME_API is not set');
  const spec = process.argv[2] || process.env._HANDLER;
  if (!spec) throw new Error('usage: node runtime.js module.function');

  let handler;
  try {
    handler = loadHandler(spec);
  } catch (error) {
    await postError('/init/error', error).catch(() => {});
    throw error;
  }

  for (;;) {
    const next = await request('GET', '/invocation/next');
    if (next.status !== 200) throw new Error(`/invocation/next answered ${next.status}: ${next.body}`);
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;
    try {
      const event = JSON.parse(next.body.toString('utf8'));
      const result = await invoke(handler, event, buildContext(next.headers));
      const body = JSON.stringify(result === undefined ? null : result);
      await request('POST', `/invocation/${requestId}/response`, body);
    } catch (error) {
      await postError(`/invocation/${requestId}/error`, error);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
