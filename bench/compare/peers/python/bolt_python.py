"""Slack Bolt for Python peer: an `/echo` slash command on AWS Lambda, the documented way.

`App(process_before_response=True)` behind `slack_bolt.adapter.aws_lambda.SlackRequestHandler`, the
adapter Bolt ships for API Gateway proxy events. The listener acknowledges and then `respond()`s
with the command's text (a POST of `{"text": ...}` to the command's `response_url`), inside the
same invocation: with `process_before_response=True` the acknowledgement is returned only after the
listener has finished, which is what Bolt's docs require on FaaS (the process may be frozen once a
response is returned). Lazy listeners are not used: they re-invoke the function asynchronously
through boto3 (a second invocation, and the Lambda API) and are meant for work longer than Slack's
3 s, which an echo is not.

Environment: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL (the Web API base, e.g.
https://slack.com/api). Everything below runs in Lambda's init phase, including the `auth.test`
call Bolt makes (token_verification_enabled, its default) to learn the bot's identity.
"""

import os

from slack_bolt import App
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_sdk import WebClient

app = App(
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    # The token is given through the client (Bolt ignores `token=` beside `client=`, with a warning).
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"].rstrip("/") + "/"),
    process_before_response=True,
)


@app.command("/echo")
def echo(ack, command, respond):
    ack()
    respond(command.get("text") or "")


handler = SlackRequestHandler(app)


def lambda_handler(event, context):
    return handler.handle(event, context)
