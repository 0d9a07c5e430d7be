//! Who may see what, decided on the server for every page and download:
//! the centre everything; a station head the station and its workrooms; a
//! workroom head its own unit only.

use crate::registry::Registry;
use crate::web::store::{Account, Role};

/// Whether `account` may see unit `code` (its submissions, files, status).
pub(crate) fn may_see(account: &Account, registry: &Registry, code: &str) -> bool {
    let own = account.unit.as_deref();
    match account.role {
        Role::Centre => true,
        Role::Workroom => own == Some(code),
        Role::Station => {
            own == Some(code)
                || registry
                    .unit(code)
                    .and_then(|u| u.parent.as_deref())
                    .is_some_and(|p| Some(p) == own)
        }
    }
}

/// Whether `account` may hand in workbooks for unit `code`: the same
/// units it may see.
pub(crate) fn may_upload_for(account: &Account, registry: &Registry, code: &str) -> bool {
    may_see(account, registry, code)
}

/// Whether `account` sees the whole district (status sheets, notices, all reports).
pub(crate) fn is_centre(account: &Account) -> bool {
    account.role == Role::Centre
}
