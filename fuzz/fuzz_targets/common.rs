//! Shared by the fuzz targets.

use std::sync::Once;

/// libFuzzer's panic hook aborts on every panic, even one that is caught.
/// jucai catches panics inside calamine and reports the file as unreadable
/// (`jucai::read::guard`); let those through so fuzzing can go on past them.
/// Any other panic — in jucai's own code, or one that escapes — still aborts.
pub fn allow_guarded_parser_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !(jucai::read::guard::active() && in_parser) {
                previous(info);
            }
        }));
    });
}
