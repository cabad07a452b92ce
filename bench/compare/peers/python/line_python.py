"""LINE Messaging API SDK for Python (v3 API) peer: `echo <text>` replied with `<text>`, on AWS Lambda.

The SDK's documented pattern (its README's Flask example) moved into a Lambda handler for an API
Gateway REST proxy event: `WebhookHandler.handle(body, signature)` validates `x-line-signature`
(HMAC-SHA256 of the raw body) and parses the events; a text-message handler replies with
`MessagingApi.reply_message` and the event's reply token. Answers 200, or 400 on a bad signature
(the README's `abort(400)`).

Environment: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_URL (the API base, e.g.
https://api.line.me). The handler, the configuration and the API client are built in the init
phase and reused by warm invocations (the README builds the ApiClient per request; AWS advises
creating clients outside the handler).
"""

import base64
import logging
import os

from linebot.v3 import WebhookHandler
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage
from linebot.v3.webhooks import MessageEvent, TextMessageContent

logger = logging.getLogger(__name__)

configuration = Configuration(host=os.environ["LINE_API_URL"].rstrip("/"),
                              access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"])
api_client = ApiClient(configuration)
messaging_api = MessagingApi(api_client)
webhook = WebhookHandler(os.environ["LINE_CHANNEL_SECRET"])

PREFIX = "echo "


@webhook.add(MessageEvent, message=TextMessageContent)
def on_text(event):
    text = event.message.text
    if not text.startswith(PREFIX) or not event.reply_token:
        return
    messaging_api.reply_message(ReplyMessageRequest(
        reply_token=event.reply_token,
        messages=[TextMessage(text=text[len(PREFIX):])],
    ))


def lambda_handler(event, context):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    signature = headers.get("x-line-signature")
    if not signature:
        return {"statusCode": 400, "body": "missing signature"}
    try:
        webhook.handle(body, signature)
    except InvalidSignatureError:
        logger.warning("invalid signature")
        return {"statusCode": 400, "body": "invalid signature"}
    return {"statusCode": 200, "body": "OK"}
