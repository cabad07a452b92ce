//! Throttles wrong inspector tokens per client address: a few are free (a typo), then each
//! further one locks the address out for twice as long as the last, up to [`MAX_LOCK`]; a right
//! token clears the count. Bounded: at most [`MAX_CLIENTS`] addresses are remembered.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong tokens an address may offer before it is locked out.
pub(crate) const FREE_FAILURES: u32 = 5;
/// The first lock-out; each further wrong token doubles it.
const FIRST_LOCK: Duration = Duration::from_secs(1);
/// The longest lock-out.
pub(crate) const MAX_LOCK: Duration = Duration::from_secs(5 * 60);
/// How many addresses are remembered; past it the one that failed longest ago is forgotten.
const MAX_CLIENTS: usize = 4096;

/// Wrong tokens per client address.
#[derive(Default)]
pub(crate) struct Throttle {
    clients: Mutex<HashMap<IpAddr, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

impl Throttle {
    /// Whether `peer` may offer a token at `now`; if not, how long until it may.
    pub(crate) fn admit(&self, peer: IpAddr, now: Instant) -> Result<(), Duration> {
        let clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        match clients.get(&peer).and_then(|f| f.locked_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Counts a wrong token from `peer` at `now`.
    pub(crate) fn failed(&self, peer: IpAddr, now: Instant) {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&peer) {
            let stalest = clients
                .iter()
                .min_by_key(|(_, f)| f.last)
                .map(|(ip, _)| *ip);
            if let Some(stalest) = stalest {
                clients.remove(&stalest);
            }
        }
        let failures = clients.entry(peer).or_insert(Failures {
            count: 0,
            last: now,
            locked_until: None,
        });
        failures.count += 1;
        failures.last = now;
        if let Some(beyond) = failures.count.checked_sub(FREE_FAILURES) {
            let lock = FIRST_LOCK.saturating_mul(1 << beyond.min(16)).min(MAX_LOCK);
            failures.locked_until = Some(now + lock);
        }
    }

    /// Clears `peer`'s count after a right token.
    pub(crate) fn forgive(&self, peer: IpAddr) {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients.remove(&peer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_failures_are_free_then_each_locks_out_longer() {
        let throttle = Throttle::default();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let other: IpAddr = "203.0.113.10".parse().unwrap();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES - 1 {
            throttle.failed(peer, start);
            assert_eq!(throttle.admit(peer, start), Ok(()));
        }
        throttle.failed(peer, start);
        assert_eq!(throttle.admit(peer, start), Err(FIRST_LOCK));
        assert_eq!(throttle.admit(other, start), Ok(()), "per address");
        let later = start + FIRST_LOCK;
        assert_eq!(throttle.admit(peer, later), Ok(()));
        throttle.failed(peer, later);
        assert_eq!(throttle.admit(peer, later), Err(FIRST_LOCK * 2));
        for _ in 0..40 {
            throttle.failed(peer, later);
        }
        assert_eq!(throttle.admit(peer, later), Err(MAX_LOCK));
        throttle.forgive(peer);
        assert_eq!(throttle.admit(peer, later), Ok(()));
    }

    #[test]
    fn memory_is_bounded() {
        let throttle = Throttle::default();
        let now = Instant::now();
        for n in 0..(MAX_CLIENTS as u32 + 100) {
            throttle.failed(IpAddr::from(n.to_be_bytes()), now);
        }
        assert_eq!(throttle.clients.lock().unwrap().len(), MAX_CLIENTS);
    }
}
