//! Failed logins counted per client address and per account name. The
//! first [`FREE`] failures in [`WINDOW`] cost nothing; after them each
//! further attempt under that key must wait since the last one — 2, 4, 8 …
//! seconds, never more than [`LONGEST`]. Guessing slows to a crawl, while
//! nobody can lock the clerk out for long by guessing at the clerk's name
//! (the review found five wrong passwords from anywhere locked an account
//! for 15 minutes from every address). The centre can clear a name's count.
//! An attempt is counted before the password is checked (so parallel
//! guesses cannot slip past the count) and given back when it succeeds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins in [`WINDOW`] that cost no wait, per address and per name.
pub(super) const FREE: usize = 5;
pub(super) const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest wait between attempts.
pub(super) const LONGEST: Duration = Duration::from_secs(60);

#[derive(Default)]
pub(crate) struct Limiter {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

/// How long a key with `n` recent failures waits after its last one.
fn wait_after(n: usize) -> Duration {
    if n < FREE {
        return Duration::ZERO;
    }
    let doubled = 1u64 << (n - FREE + 1).min(16);
    Duration::from_secs(doubled).min(LONGEST)
}

impl Limiter {
    /// Count one attempt under every key. `Err(seconds)` (nothing counted)
    /// when one of them must still wait that long.
    pub(crate) fn attempt(&self, keys: &[String]) -> Result<(), u64> {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            if let Some(list) = map.get_mut(key) {
                list.retain(|t| t.elapsed() < WINDOW);
                if list.is_empty() {
                    map.remove(key);
                }
            }
        }
        let left = keys
            .iter()
            .filter_map(|k| {
                let list = map.get(k)?;
                let since = list.last()?.elapsed();
                wait_after(list.len()).checked_sub(since)
            })
            .max();
        if let Some(left) = left.filter(|l| !l.is_zero()) {
            return Err(left.as_secs().max(1));
        }
        for key in keys {
            map.entry(key.clone()).or_default().push(Instant::now());
        }
        Ok(())
    }

    /// A login that worked gives its attempt back.
    pub(crate) fn succeeded(&self, keys: &[String]) {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            if let Some(list) = map.get_mut(key) {
                list.pop();
                if list.is_empty() {
                    map.remove(key);
                }
            }
        }
    }

    /// Forget `key`'s failures (the centre unlocking an account).
    pub(crate) fn clear(&self, key: &str) {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }

    /// The keys with `prefix` that must wait now, without the prefix.
    pub(crate) fn slowed(&self, prefix: &str) -> Vec<String> {
        let map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        let mut keys: Vec<String> = map
            .iter()
            .filter(|(_, list)| {
                let recent = list.iter().filter(|t| t.elapsed() < WINDOW).count();
                recent >= FREE
            })
            .filter_map(|(k, _)| k.strip_prefix(prefix).map(str::to_string))
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ip: &str, name: &str) -> Vec<String> {
        vec![format!("ip:{ip}"), format!("user:{name}")]
    }

    #[test]
    fn five_failures_slow_the_address_and_the_name_but_successes_do_not() {
        let l = Limiter::default();
        for _ in 0..3 {
            assert!(l.attempt(&keys("a", "clerk")).is_ok());
            l.succeeded(&keys("a", "clerk"));
        }
        for _ in 0..FREE {
            assert!(l.attempt(&keys("a", "clerk")).is_ok());
        }
        let wait = l
            .attempt(&keys("a", "other"))
            .expect_err("the address waits");
        assert!(wait <= LONGEST.as_secs());
        assert!(l.attempt(&keys("b", "clerk")).is_err(), "the name waits");
        assert!(l.attempt(&keys("b", "other")).is_ok());
        assert_eq!(l.slowed("user:"), ["clerk"]);
        l.clear("user:clerk");
        assert!(l.slowed("user:").is_empty());
        assert!(l.attempt(&keys("c", "clerk")).is_ok(), "unlocked");
    }

    #[test]
    fn the_wait_doubles_and_stops_at_a_minute() {
        assert_eq!(wait_after(FREE - 1), Duration::ZERO);
        assert_eq!(wait_after(FREE), Duration::from_secs(2));
        assert_eq!(wait_after(FREE + 1), Duration::from_secs(4));
        assert_eq!(wait_after(FREE + 30), LONGEST);
    }
}
