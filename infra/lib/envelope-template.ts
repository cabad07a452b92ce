/**
 * The API Gateway request mapping template that turns a webhook into the worker's Envelope:
 *
 *   {"route": "/slack/commands", "received_at_ms": 1700000000000, "request_id": "…",
 *    "source_ip": "…", "headers": {"Name": "value", …}, "body": "<base64 of the exact bytes>"}
 *
 * Contract: infra/contract/render.py renders this template with LocalStack's API Gateway VTL engine
 * (with AWS's escapeJavaScript behaviour patched in) and checks that every header and body round-trips.
 */

/**
 * `$util.escapeJavaScript(x)` escapes JSON-special characters, but on AWS it also turns `'` into
 * `\'`, which is not valid JSON. AWS's documented fix strips that one escape again. The VTL string
 * literal "\\'" is the Java regex `\\'`, which matches a backslash followed by a quote.
 */
function jsonString(vtlExpr: string): string {
  return `"$util.escapeJavaScript(${vtlExpr}).replaceAll("\\\\'","'")"`;
}

/** The mapping template for one route; `route` is written into the Envelope as a literal. */
export function envelopeRequestTemplate(route: string): string {
  if (!/^\/[a-z0-9/_-]+$/.test(route)) throw new Error(`route must be a plain path, got ${route}`);
  return [
    '#set($headers = $input.params().header)',
    '{',
    `  "route": "${route}",`,
    '  "received_at_ms": $context.requestTimeEpoch,',
    `  "request_id": ${jsonString('$context.requestId')},`,
    `  "source_ip": ${jsonString('$context.identity.sourceIp')},`,
    '  "headers": {',
    '#foreach($name in $headers.keySet())',
    `    ${jsonString('$name')}: ${jsonString('$headers.get($name)')}#if($foreach.hasNext),#end`,
    '#end',
    '  },',
    // base64 of the body exactly as received: the platforms sign these bytes. $input.json('$')
    // would re-serialise JSON and break LINE's signature.
    '  "body": "$util.base64Encode($input.body)"',
    '}',
  ].join('\n');
}

/**
 * The Content-Type values that select the Envelope template. Template selection is by the exact
 * request header on LocalStack; whether AWS strips media-type parameters is undocumented, so both
 * the bare types and the exact values the platforms send are registered:
 * - `application/json` (also what API Gateway assumes when a request has no Content-Type),
 * - `application/json; charset=utf-8` (LINE; Slack's Events API sends `application/json`),
 * - `application/x-www-form-urlencoded` (Slack slash commands and interactivity).
 *
 * Deliberately NOT `$default`: LocalStack (and AWS for a `$default` key) falls back to it for any
 * content type, so with passthroughBehavior NEVER a `text/plain` or `application/xml` request would
 * be mapped and acked instead of answered 415. Neither platform sends any other type, and a 415 is
 * visible to the sender (the platforms' consoles show it), whereas a silently acked request that the
 * worker then drops is not. Add a type the platforms start sending through `api.extraContentTypes`.
 */
export const BASE_CONTENT_TYPES: readonly string[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
];

/** The request templates of one route, keyed by content type. */
export function envelopeRequestTemplates(route: string, extraContentTypes: readonly string[] = []): Record<string, string> {
  const template = envelopeRequestTemplate(route);
  const out: Record<string, string> = {};
  for (const type of [...BASE_CONTENT_TYPES, ...extraContentTypes]) {
    if (type === '$default') throw new Error('"$default" would map every content type and defeat the 415; list exact types');
    out[type] = template;
  }
  return out;
}
