// Peer: the LINE Messaging API SDK for Node.js on AWS Lambda (API Gateway REST proxy integration),
// replying `<text>` to a text message `echo <text>`.
//
//     node runtime.js line_node.handler
//
// The SDK has no Lambda adapter (its `middleware` is for Express), so this is the handler its
// README's building blocks make: `validateSignature` on the raw body, `JSON.parse` to a
// `WebhookRequestBody`, and `MessagingApiClient.replyMessage`. Environment: LINE_CHANNEL_SECRET,
// LINE_CHANNEL_ACCESS_TOKEN, LINE_API_URL (the API base; default https://api.line.me).
'use strict';

const { messagingApi, validateSignature } = require('@line/bot-sdk');

const channelSecret = process.env.LINE_CHANNEL_SECRET;
const client = new messagingApi.MessagingApiClient({
  channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN,
  ...(process.env.LINE_API_URL ? { baseURL: process.env.LINE_API_URL } : {}),
});

function header(headers, name) {
  const key = Object.keys(headers || {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

module.exports.handler = async (event) => {
  // API Gateway base64-encodes the body only when a binary media type matches; the raw bytes are
  // what LINE signed.
  const body = event.isBase64Encoded ? Buffer.from(event.body || '', 'base64') : Buffer.from(event.body || '', 'utf8');
  const signature = header(event.headers, 'x-line-signature');
  if (!signature || !validateSignature(body, channelSecret, signature)) {
    return { statusCode: 401, body: '' };
  }
  /** @type {import('@line/bot-sdk').webhook.CallbackRequest} */
  const webhook = JSON.parse(body.toString('utf8'));
  for (const ev of webhook.events || []) {
    if (ev.type !== 'message' || ev.mode === 'standby' || !ev.replyToken) continue;
    if (ev.message.type !== 'text' || !ev.message.text.startsWith('echo ')) continue;
    await client.replyMessage({
      replyToken: ev.replyToken,
      messages: [{ type: 'text', text: ev.message.text.slice('echo '.length) }],
    });
  }
  return { statusCode: 200, body: '' };
};
