//! Failed logins counted per client address and per account name: after
//! [`MAX_FAILURES`] in [`WINDOW`] for either, logging in waits. An attempt
//! is counted before the password is checked (so parallel guesses cannot
//! slip past the count) and given back when it succeeds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failed logins are allowed in [`WINDOW`], per address and per name.
pub(super) const MAX_FAILURES: usize = 5;
pub(super) const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub(crate) struct Limiter {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Limiter {
    /// Count one attempt under every key; `false` (and nothing counted)
    /// when any of them has used up its attempts.
    pub(crate) fn attempt(&self, keys: &[String]) -> bool {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            if let Some(list) = map.get_mut(key) {
                list.retain(|t| t.elapsed() < WINDOW);
                if list.is_empty() {
                    map.remove(key);
                }
            }
        }
        if keys
            .iter()
            .any(|k| map.get(k).is_some_and(|l| l.len() >= MAX_FAILURES))
        {
            return false;
        }
        for key in keys {
            map.entry(key.clone()).or_default().push(Instant::now());
        }
        true
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_block_the_address_and_the_name_but_successes_do_not() {
        let l = Limiter::default();
        let keys = |ip: &str, name: &str| vec![format!("ip:{ip}"), format!("user:{name}")];
        for _ in 0..3 {
            assert!(l.attempt(&keys("a", "clerk")));
            l.succeeded(&keys("a", "clerk"));
        }
        for _ in 0..MAX_FAILURES {
            assert!(l.attempt(&keys("a", "clerk")));
        }
        assert!(!l.attempt(&keys("a", "other")), "the address waits");
        assert!(!l.attempt(&keys("b", "clerk")), "the name waits");
        assert!(l.attempt(&keys("b", "other")));
    }
}
