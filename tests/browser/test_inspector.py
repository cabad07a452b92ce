"""The inspector (`GET /_ackbot/` of `ackbot serve`) in a real browser: the page loads under its
Content-Security-Policy, webhooks appear live with their stages and timings, a tampered request
shows as rejected, Replay and Send work, a webhook's text is shown as text (never markup), and no
secret reaches the page, its event stream or its API. Ends with a screenshot of the page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import REPO, http

WAIT = 10
XSS = "<img src=x onerror=alert(1)>"
XSS_FLAG = "<img src=x onerror=window.__pwned=1>"

# Every row of the list as plain data (rows are replaced as their webhook changes, so element
# handles go stale; this reads them in one go).
ROWS_JS = """
return [...document.querySelectorAll('[data-testid=webhook]')].map((li) => ({
  id: li.dataset.id,
  state: li.dataset.state,
  platform: li.dataset.platform,
  replay_of: li.dataset.replayOf || null,
  what: li.querySelector('[data-testid=what]').textContent,
  text: li.innerText,
  stages: [...li.querySelectorAll('[data-testid^=stage-]')].map((s) => [s.dataset.testid.slice(6), s.textContent]),
  total: li.querySelector('[data-testid=total]').textContent,
  segments: li.querySelectorAll('[data-testid=timing-bar] .seg').length,
  replay_badge: (li.querySelector('[data-testid=replay-badge]') || {}).textContent || null,
}));
"""


# ---- helpers ------------------------------------------------------------------------------------


def wait(driver, what, timeout=WAIT, message=""):
    return WebDriverWait(
        driver, timeout, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,)
    ).until(what, message)


def rows(driver):
    return driver.execute_script(ROWS_JS)


def wait_row(driver, predicate, message, timeout=WAIT):
    """The first row (as data) that `predicate` accepts, waiting for it to appear."""

    def found(d):
        return next((r for r in rows(d) if predicate(r)), False)

    try:
        return wait(driver, found, timeout)
    except Exception:
        shown = json.dumps(rows(driver), indent=1, ensure_ascii=False)[-4000:]
        pytest.fail(f"no row {message} within {timeout} s; the rows:\n{shown}")


def stage_text(row, kind):
    return " | ".join(text for k, text in row["stages"] if k == kind)


def open_page(driver, server):
    """Opens the page as a developer does: the address `ackbot serve` printed, with its token."""
    driver.get(server.login)
    wait(
        driver,
        lambda d: d.find_element(By.ID, "conn").get_attribute("data-state") == "live",
        message="the page never went live",
    )
    # The platforms come with the stream's first event.
    wait(driver, lambda d: len(Select(d.find_element(By.ID, "send-platform")).options) > 0)


def send_form(driver, platform, text):
    """Sends `text` with the page's Send form; returns the new webhook's id."""
    Select(driver.find_element(By.ID, "send-platform")).select_by_value(platform)
    box = driver.find_element(By.ID, "send-text")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.ID, "send-button").click()
    result = driver.find_element(By.ID, "send-result")

    def settled(d):
        classes = result.get_attribute("class").split()
        return ("ok" in classes or "err" in classes) and result.text

    shown = wait(driver, settled, message="the Send form showed no result")
    assert "ok" in result.get_attribute("class").split(), f"Send failed: {shown}"
    match = re.match(r"sent (\S+)", shown)
    assert match, shown
    return match.group(1)


def open_detail(driver, webhook_id):
    driver.find_element(By.CSS_SELECTOR, f'[data-testid=webhook][data-id="{webhook_id}"]').click()
    wait(
        driver,
        lambda d: d.find_element(By.ID, "detail").is_displayed()
        and d.find_elements(By.CSS_SELECTOR, "[data-testid=header]"),
        message=f"the detail of {webhook_id} did not load",
    )


def slack_command(typed, response_url):
    command, _, text = typed.partition(" ")
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": "T0001",
            "team_domain": "example",
            "channel_id": "C2147483705",
            "channel_name": "test",
            "user_id": "U2147483697",
            "user_name": "Steve",
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": f"13345224609.738474920.{secrets.token_hex(16)}",
            "api_app_id": "A123456",
        }
    )


def post_slack(server, body, secret):
    """Posts a slash command signed as Slack signs (with `secret`); returns the signature sent."""
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    signature = "v0=" + digest.hexdigest()
    answer = http().post(
        server.url + "/slack/commands",
        data=body.encode(),
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        },
        timeout=5,
    )
    assert answer.status_code < 500, (answer.status_code, answer.text)
    return signature


def line_text(text):
    event = {
        "type": "message",
        "message": {
            "type": "text",
            "id": str(468789577898262530 + secrets.randbelow(10**9)),
            "quoteToken": "q3Plxr4AgKd" + secrets.token_hex(6),
            "text": text,
        },
        "webhookEventId": "01" + secrets.token_hex(12).upper(),
        "deliveryContext": {"isRedelivery": False},
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": "U4af4980629a1b2c3d4e5f60718293a4b"},
        "replyToken": secrets.token_hex(16),
        "mode": "active",
    }
    return json.dumps({"destination": "U0123456789abcdef0123456789abcdef", "events": [event]})


def post_line(server, body, secret):
    """Posts a LINE webhook signed as LINE signs; returns the signature sent."""
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    signature = base64.b64encode(digest).decode()
    answer = http().post(
        server.url + "/line/webhook",
        data=body.encode(),
        headers={"content-type": "application/json; charset=utf-8", "x-line-signature": signature},
        timeout=5,
    )
    assert answer.status_code < 500, (answer.status_code, answer.text)
    return signature


def ids(driver):
    return {r["id"] for r in rows(driver)}


def processed_with_reply(driver, predicate, reply, message):
    """Waits for a row that `predicate` accepts to be processed with `reply` in a call stage."""
    return wait_row(
        driver,
        lambda r: predicate(r) and r["state"] == "processed" and reply in stage_text(r, "call"),
        message,
    )


# ---- tests --------------------------------------------------------------------------------------


def test_without_its_token_the_page_is_a_login_form_and_the_printed_address_logs_in(driver, server):
    driver.delete_all_cookies()
    driver.get(server.page)
    form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=login-form]"))
    assert "Open the address" in form.text
    assert not driver.find_elements(By.ID, "conn"), "no part of the page without the token"
    driver.find_element(By.ID, "token").send_keys("a wrong guess")
    driver.find_element(By.CSS_SELECTOR, "[data-testid=login-form] button").click()
    wait(driver, lambda d: "not right" in d.find_element(By.CSS_SELECTOR, "[data-testid=login-message]").text)
    open_page(driver, server)
    assert driver.current_url == server.page, "the token left the address bar"
    cookies = {c["name"]: c for c in driver.get_cookies()}
    session = cookies["ackbot_inspector"]
    assert session["httpOnly"] and session["sameSite"] == "Strict", session
    assert server.token not in session["value"]
    # The console's 401s above were asked for: read them, so the next test sees a clean console.
    expected = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert all("401 (Unauthorized)" in m for m in expected), expected


def test_the_page_loads_live_under_its_content_security_policy(driver, server):
    open_page(driver, server)
    assert driver.title == "ackbot inspector"
    assert driver.find_element(By.TAG_NAME, "h1").text == "ackbot inspector"
    assert driver.find_element(By.CSS_SELECTOR, "[data-testid=webhooks]").is_displayed()
    conn = driver.find_element(By.ID, "conn")
    assert conn.is_displayed() and conn.text == "live"
    assert set(o.get_attribute("value") for o in Select(driver.find_element(By.ID, "send-platform")).options) == {
        "slack",
        "line",
    }

    session = server.session()
    page = session.get(server.page, timeout=5)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers.get("content-security-policy", "")
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp, csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    for asset, kind in (("app.js", "javascript"), ("app.css", "text/css"), ("favicon.svg", "image/svg+xml")):
        answer = session.get(server.page + asset, timeout=5)
        assert answer.status_code == 200 and kind in answer.headers["content-type"], asset

    # No script error, no CSP violation and no missing file (the icon is served too).
    problems = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not problems, problems


def test_a_command_from_ackbot_send_appears_live_with_its_reply_and_timings(driver, server):
    open_page(driver, server)
    sent = server.run_ackbot("send", "slack", "/echo hello inspector", "--to", server.url)
    assert sent.returncode == 0, f"ackbot send failed:\n{sent.stdout}\n{sent.stderr}"

    row = processed_with_reply(
        driver,
        lambda r: r["what"] == "/echo hello inspector",
        "hello inspector",
        "for `/echo hello inspector` processed with its reply",
    )
    assert row["platform"] == "slack"
    assert "/slack/commands" in row["text"]
    assert re.search(r"\d ms", stage_text(row, "acked")), row["stages"]
    assert re.search(r"\d ms", stage_text(row, "handled")), row["stages"]
    assert re.search(r"\d( ms| s)$", row["total"]), row["total"]
    assert row["segments"] >= 2, "the timing bar shows the ack, the handler and the call"

    open_detail(driver, row["id"])
    stages = driver.find_element(By.CSS_SELECTOR, "[data-testid=detail-stages]").text
    assert "hello inspector" in stages and "acked" in stages and "handled" in stages


def test_a_tampered_request_shows_as_rejected_with_its_reason(driver, server, line_fake):
    open_page(driver, server)
    before = ids(driver)
    body = slack_command("/echo tampered", line_fake.url + "/slack/response/tampered")
    post_slack(server, body, secret="not-" + server.secrets["SLACK_SIGNING_SECRET"])

    row = wait_row(
        driver,
        lambda r: r["id"] not in before and r["state"] == "rejected",
        "rejected for the tampered request",
    )
    assert "/slack/commands" in row["text"]
    reason = stage_text(row, "rejected")
    assert "signature" in reason.lower(), row["stages"]
    assert not stage_text(row, "handled") and not stage_text(row, "call")

    open_detail(driver, row["id"])
    rejected = driver.find_element(By.CSS_SELECTOR, '[data-testid=detail-stage][data-kind="rejected"]')
    assert "signature" in rejected.text.lower()
    # Nothing reached the handler, so nothing replied.
    assert not line_fake.wait_for(lambda path, _: path.endswith("/tampered"), timeout=0.5)


def test_replay_runs_a_stored_webhook_again(driver, server):
    open_page(driver, server)
    first = send_form(driver, "slack", "/echo replay me")
    processed_with_reply(driver, lambda r: r["id"] == first, "replay me", f"for {first} processed")

    open_detail(driver, first)
    replay = driver.find_element(By.ID, "replay")
    wait(driver, lambda d: replay.is_enabled(), message="Replay stayed disabled")
    replay.click()
    result = driver.find_element(By.ID, "replay-result")
    shown = wait(driver, lambda d: re.search(r"replayed as (\S+)|failed.*", result.text))
    assert shown.group(1), f"replay failed: {result.text}"
    second = shown.group(1)
    assert second != first

    row = processed_with_reply(
        driver, lambda r: r["id"] == second, "replay me", f"for the replay {second} processed"
    )
    assert row["replay_of"] == first
    assert row["replay_badge"] and "replay" in row["replay_badge"] and first in row["replay_badge"]
    assert row["what"] == "/echo replay me"
    # The original is still there, unchanged.
    assert any(r["id"] == first and not r["replay_of"] for r in rows(driver))


def test_a_webhooks_text_is_shown_as_text_never_run(driver, server):
    open_page(driver, server)
    slack_id = send_form(driver, "slack", f"/echo {XSS}")
    post_line(server, line_text(f"echo {XSS_FLAG}"), server.secrets["LINE_CHANNEL_SECRET"])
    line_id = send_form(driver, "line", f"echo {XSS_FLAG}")

    slack_row = processed_with_reply(driver, lambda r: r["id"] == slack_id, XSS, "for the Slack payload")
    assert XSS in slack_row["what"]
    element = driver.find_element(By.CSS_SELECTOR, f'[data-testid=webhook][data-id="{slack_id}"]')
    assert XSS in element.text
    line_rows = [
        processed_with_reply(driver, lambda r: r["id"] == line_id, XSS_FLAG, "for the LINE payload (Send)"),
        processed_with_reply(
            driver,
            lambda r: r["platform"] == "line" and r["id"] != line_id,
            XSS_FLAG,
            "for the LINE payload (signed request)",
        ),
    ]
    assert all(XSS_FLAG in r["text"] for r in line_rows)

    for webhook_id in (slack_id, line_rows[1]["id"]):
        open_detail(driver, webhook_id)
        panel = driver.find_element(By.ID, "detail")
        assert "onerror" in panel.find_element(By.ID, "d-body").text
        assert "<img src=x onerror=" in panel.find_element(By.CSS_SELECTOR, "[data-testid=detail-stages]").text

    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (touching it is the check)


def test_no_secret_reaches_the_page_the_stream_or_the_api(driver, server, line_fake):
    open_page(driver, server)
    sent = [
        post_slack(
            server,
            slack_command("/echo keep it secret", line_fake.url + "/slack/response/secret"),
            server.secrets["SLACK_SIGNING_SECRET"],
        ),
        post_line(server, line_text("echo keep it secret"), server.secrets["LINE_CHANNEL_SECRET"]),
    ]
    send_form(driver, "slack", "/echo keep it secret too")
    done = [
        processed_with_reply(driver, lambda r: r["platform"] == p, "keep it secret", f"for {p}")
        for p in ("slack", "line")
    ]
    for row in done:
        open_detail(driver, row["id"])
    forbidden = {
        **server.secrets,
        "the inspector's token": server.token,
        **{f"signature {i}": s for i, s in enumerate(sent)},
    }

    def leaks(text):
        return [name for name, value in forbidden.items() if value in text]

    assert not leaks(driver.page_source), leaks(driver.page_source)

    session = server.session()
    stream = b""
    with session.get(server.page + "events", stream=True, timeout=(3, 1)) as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        deadline = time.monotonic() + 1
        try:
            for chunk in answer.iter_content(chunk_size=None):
                stream += chunk
                if time.monotonic() > deadline:
                    break
        except Exception:  # the read timeout ends a quiet stream
            pass
    text = stream.decode("utf-8", "replace")
    assert "event: hello" in text
    assert not leaks(text), leaks(text)

    history = json.loads(text.split("event: hello", 1)[1].split("data: ", 1)[1].split("\n", 1)[0])
    assert history["webhooks"]
    for summary in history["webhooks"]:
        answer = session.get(f"{server.page}api/webhooks/{summary['id']}", timeout=5)
        if answer.status_code == 404:
            continue
        assert answer.status_code == 200, answer.text
        assert not leaks(answer.text), (summary["id"], leaks(answer.text))
        detail = answer.json()
        for name, value in detail["headers"]:
            if name.lower() in ("x-slack-signature", "x-line-signature", "authorization"):
                assert value == "[redacted]", (name, value)


def test_screenshot(driver, server, line_fake):
    open_page(driver, server)
    before = ids(driver)
    post_slack(
        server,
        slack_command("/echo who goes there", line_fake.url + "/slack/response/shot"),
        secret="wrong-secret",
    )
    post_line(server, line_text("echo bonjour from LINE"), server.secrets["LINE_CHANNEL_SECRET"])
    first = send_form(driver, "slack", "/echo hello from the inspector")
    processed_with_reply(driver, lambda r: r["id"] == first, "hello from the inspector", "to replay")
    answer = server.session().post(
        f"{server.page}api/webhooks/{first}/replay", headers={"x-ackbot-inspector": "1"}, timeout=5
    )
    assert answer.status_code == 202, answer.text
    replay = answer.json()["id"]
    processed_with_reply(driver, lambda r: r["id"] == replay, "hello from the inspector", "replayed")
    wait_row(driver, lambda r: r["id"] not in before and r["state"] == "rejected", "rejected")
    open_detail(driver, replay)
    # The new rows' highlight fades out first.
    wait(driver, lambda d: d.execute_script("return document.getAnimations().length") == 0)

    targets = [REPO / "target" / "inspector.png"]
    if os.environ.get("ACKBOT_SCREENSHOT"):
        targets.append(Path(os.environ["ACKBOT_SCREENSHOT"]))
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(path)), path
        assert path.stat().st_size > 10_000, path
