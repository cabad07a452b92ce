//! Pacing inside a process: Slack's Web API limits each method per workspace (its tier), and
//! `chat.postMessage` to about one message a second per channel. Calls of one method to one
//! workspace (and, for `chat.*`, one channel) are spaced by the method's interval, so a burst
//! waits here instead of being refused with a 429 (which is still honoured when it comes).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// The time between two calls of `method` to one workspace (one channel for `chat.*`), from its
/// rate tier: Tier 2 (20+ a minute), Tier 3 (50+), Tier 4 (100+); `chat.postMessage` about one
/// a second per channel.
pub(crate) fn interval(method: &str) -> Duration {
    let per_minute: u64 = match method {
        "chat.postMessage" => 60,
        "chat.stopStream" | "chat.startStream" => 20,
        "chat.postEphemeral" | "chat.appendStream" | "views.open" | "views.push"
        | "views.update" | "reactions.add" | "users.info" => 100,
        m if m.starts_with("assistant.threads.") => 100,
        "oauth.v2.access" => 600,
        _ => 50,
    };
    Duration::from_millis(60_000 / per_minute)
}

/// When each (workspace, method, channel) may be called next. Shared by every clone of a client.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pacer {
    next: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Pacer {
    /// Waits for the turn of `method` in `workspace` (and `channel`, for `chat.*`), and takes it.
    pub(crate) async fn turn(&self, workspace: &str, method: &str, channel: Option<&str>) {
        let channel = channel
            .filter(|_| method.starts_with("chat."))
            .unwrap_or_default();
        let key = format!("{workspace}/{method}/{channel}");
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let at = next
                .get(&key)
                .copied()
                .filter(|at| *at > now)
                .unwrap_or(now);
            next.insert(key, at + interval(method));
            // Turns long past are forgotten, so the map does not grow without end.
            if next.len() > 10_000 {
                next.retain(|_, at| *at > now);
            }
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_to_one_channel_is_spaced_and_others_are_not_held_up() {
        let pacer = Pacer::default();
        let started = Instant::now();
        for _ in 0..5 {
            pacer.turn("T1", "chat.postMessage", Some("C1")).await;
        }
        // Five messages to one channel: the fifth a good four seconds after the first.
        assert_eq!(started.elapsed(), Duration::from_secs(4));
        let other = Instant::now();
        pacer.turn("T1", "chat.postMessage", Some("C2")).await;
        pacer.turn("T2", "chat.postMessage", Some("C1")).await;
        pacer.turn("T1", "views.open", None).await;
        assert_eq!(
            other.elapsed(),
            Duration::ZERO,
            "another channel, workspace or method"
        );
        assert_eq!(interval("chat.appendStream"), Duration::from_millis(600));
        assert_eq!(interval("chat.stopStream"), Duration::from_secs(3));
    }
}
