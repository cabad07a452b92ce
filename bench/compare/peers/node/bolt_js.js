// Peer: Bolt for JavaScript on AWS Lambda, as Bolt's "Deploying to AWS Lambda" guide sets it up
// (AwsLambdaReceiver behind an API Gateway REST proxy integration), answering `/echo <text>` with
// `<text>` at the command's response_url.
//
//     node runtime.js bolt_js.handler
//
// Environment: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL (the Web API base, e.g.
// http://127.0.0.1:PORT/api; Bolt wants the trailing slash), optional SLACK_BOT_ID and
// SLACK_BOT_USER_ID.
//
// Fairness: `botId` and `botUserId` are given, so Bolt never calls `auth.test` (by default it calls
// it from the App constructor, during init, to learn them; the benchmark's Slack stand-in has no
// `auth.test`). A real deployment that passes only the token pays that Slack round trip at every cold
// start; this peer does not.
'use strict';

const { App, AwsLambdaReceiver } = require('@slack/bolt');

const receiver = new AwsLambdaReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
});

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  botId: process.env.SLACK_BOT_ID || 'B0BENCHBOT1',
  botUserId: process.env.SLACK_BOT_USER_ID || 'U0BENCHBOT1',
  clientOptions: process.env.SLACK_API_URL
    ? { slackApiUrl: `${process.env.SLACK_API_URL.replace(/\/$/, '')}/` }
    : undefined,
});

app.command('/echo', async ({ command, ack, respond }) => {
  await ack();
  await respond(command.text);
});

// As Bolt's guide writes it.
module.exports.handler = async (event, context, callback) => {
  const handler = await receiver.start();
  return handler(event, context, callback);
};
