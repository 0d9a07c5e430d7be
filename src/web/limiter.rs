//! Failed logins counted per client address: after [`MAX_FAILURES`] in
//! [`WINDOW`], that address waits.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failed logins from one address are allowed in [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed logins by client address.
#[derive(Default)]
pub struct Limiter {
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl Limiter {
    pub fn blocked(&self, ip: IpAddr) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let list = map.entry(ip).or_default();
        list.retain(|t| t.elapsed() < WINDOW);
        list.len() >= MAX_FAILURES
    }

    pub fn failed(&self, ip: IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(ip).or_default().push(Instant::now());
    }
}
