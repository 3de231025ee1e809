//! Sign-in attempts counted per client address as well as per person: one password tried
//! against every name of a class (password spraying) fails once per person, so each person's
//! own count never slows it down; the address's count does. A class behind one router shares
//! an address, so the address gets far more free failures than a person, and they are
//! forgotten after a quarter of an hour. Kept in memory: a restart forgets them, as it should
//! forget nothing a person could be locked out by for long.

use crate::people::too_soon;
use crate::state::{now_ms, AppState};
use axum::extract::ConnectInfo;
use axum::Extension;
use azimuth_core::ArmError;
use std::collections::HashMap;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::sync::Mutex;

/// Failures an address may have in a window before its attempts wait.
pub const FREE_FAILURES: u32 = 30;
/// How long an address's failures are remembered.
pub const WINDOW_MS: i64 = 15 * 60_000;
/// Addresses remembered at most; past that the expired ones are forgotten first.
const MAX_ADDRESSES: usize = 4096;

/// One address's attempts in its current window.
#[derive(Clone, Copy, Debug, Default)]
struct Count {
    failures: u32,
    since: i64,
    blocked_until: i64,
}

/// The attempts of every client address.
#[derive(Default)]
pub struct AddressThrottle {
    counts: Mutex<HashMap<IpAddr, Count>>,
}

impl AddressThrottle {
    /// Counts an attempt from `address` before it is checked (attempts sent in parallel each
    /// count), or refuses it while the address must wait.
    pub fn begin(&self, address: IpAddr, now: i64) -> Result<(), ArmError> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() >= MAX_ADDRESSES && !counts.contains_key(&address) {
            counts.retain(|_, c| now - c.since < WINDOW_MS || c.blocked_until > now);
            if counts.len() >= MAX_ADDRESSES {
                // Still full: the address that has been quiet longest goes.
                if let Some(oldest) = counts.iter().min_by_key(|(_, c)| c.since).map(|(a, _)| *a) {
                    counts.remove(&oldest);
                }
            }
        }
        let count = counts.entry(address).or_default();
        if count.blocked_until > now {
            return Err(too_soon(count.blocked_until, now));
        }
        if now - count.since >= WINDOW_MS {
            *count = Count {
                since: now,
                ..Count::default()
            };
        }
        count.failures += 1;
        if count.failures > FREE_FAILURES {
            let doublings = (count.failures - FREE_FAILURES - 1).min(8);
            count.blocked_until = now + (5_000_i64 << doublings).min(WINDOW_MS);
        }
        Ok(())
    }

    /// The attempt `begin` counted succeeded: it was no failure.
    pub fn succeeded(&self, address: IpAddr) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&address) {
            count.failures = count.failures.saturating_sub(1);
            if count.failures <= FREE_FAILURES {
                count.blocked_until = 0;
            }
        }
    }
}

/// The address a request came from (the server is started with connection info; a router
/// served without it counts no address).
pub type Client = Option<Extension<ConnectInfo<SocketAddr>>>;

impl AppState {
    /// Runs a sign-in attempt (`check`) counted against the client's address first.
    pub fn attempt_from<T>(
        &self,
        client: &Client,
        check: impl FnOnce() -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let address = client.as_ref().map(|c| c.0 .0.ip());
        if let Some(address) = address {
            self.addresses.begin(address, now_ms())?;
        }
        let result = check();
        if let (Some(address), Ok(_)) = (address, &result) {
            self.addresses.succeeded(address);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_waits_after_many_failures_and_successes_do_not_count() {
        let t = AddressThrottle::default();
        let a: IpAddr = "192.0.2.7".parse().unwrap();
        let b: IpAddr = "192.0.2.8".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            t.begin(a, 1_000).unwrap();
        }
        // A success in between is no failure.
        t.begin(a, 1_000).unwrap();
        t.succeeded(a);
        t.begin(a, 1_000).unwrap();
        let e = t.begin(a, 1_000).unwrap_err();
        assert_eq!(e.code(), "TooManyRequests");
        assert!(e.message().contains("try again in"), "{e}");
        t.begin(b, 1_000)
            .expect("another address is not slowed down");
        // After the wait the address may try again; after the window its count starts anew.
        t.begin(a, 1_000 + 5_000).unwrap();
        t.begin(a, 1_000 + WINDOW_MS + 60_000).unwrap();
        t.begin(a, 1_000 + WINDOW_MS + 60_000).unwrap();
    }
}
