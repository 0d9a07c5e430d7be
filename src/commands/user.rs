//! `jucai user add|list|remove`: the web desk's accounts, kept in the
//! archive's store. The password is read from standard input (never an
//! argument, so it is not in the shell history or the process list) and
//! stored only as an argon2 hash.

use std::io::BufRead;

use serde_json::json;

use super::common::Outcome;
use crate::cli::{RoleArg, UserAddArgs, UserCommand, UserListArgs, UserRemoveArgs};
use crate::registry::Level;
use crate::render::console::say;
use crate::web::store::{Account, Accounts, Role};

pub(super) fn run(cmd: UserCommand) -> anyhow::Result<Outcome> {
    match cmd {
        UserCommand::Add(args) => add(args),
        UserCommand::List(args) => list(args),
        UserCommand::Remove(args) => remove(args),
    }
}

fn role(r: RoleArg) -> Role {
    match r {
        RoleArg::Centre => Role::Centre,
        RoleArg::Station => Role::Station,
        RoleArg::Workroom => Role::Workroom,
    }
}

fn add(args: UserAddArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let role = role(args.role);
    let name = args.name.trim().to_string();
    if name.is_empty() || name.chars().any(char::is_control) {
        anyhow::bail!(say("user_bad_name", &json!({}))?);
    }
    // A station or workroom account belongs to a unit of that level.
    let wanted = match role {
        Role::Centre => None,
        Role::Station => Some(Level::Station),
        Role::Workroom => Some(Level::Workroom),
    };
    let unit = match (wanted, &args.unit) {
        (None, _) => None,
        (Some(_), None) => anyhow::bail!(say("user_needs_unit", &json!({}))?),
        (Some(level), Some(code)) => match registry.unit(code) {
            Some(u) if u.level == level => Some(u.code.clone()),
            Some(u) => anyhow::bail!(say(
                "user_wrong_level",
                &json!({ "code": code, "name": u.name, "level": registry.level_name(u.level) })
            )?),
            None => anyhow::bail!(crate::error::Error::UnknownUnit(code.clone())),
        },
    };
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < 8 {
        anyhow::bail!(say("user_short_password", &json!({}))?);
    }
    let hash = crate::web::session::hash_password(&password).map_err(anyhow::Error::msg)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    let mut accounts = Accounts::open(&dir)?;
    let account = Account {
        name: name.clone(),
        role,
        unit,
        password_hash: hash,
    };
    if !accounts.add(&account)? {
        anyhow::bail!(say("user_exists", &json!({ "name": name }))?);
    }
    println!("{}", say("user_added", &json!({ "name": name }))?);
    Ok(Outcome::Clean)
}

fn list(args: UserListArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let registry = super::common::registry(&config)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    for a in Accounts::open(&dir)?.list()? {
        let unit = a
            .unit
            .as_deref()
            .and_then(|u| registry.unit(u))
            .map(|u| u.name.clone());
        let vars = json!({ "name": a.name, "role": a.role, "unit": unit });
        println!("{}", say("user_line", &vars)?);
    }
    Ok(Outcome::Clean)
}

fn remove(args: UserRemoveArgs) -> anyhow::Result<Outcome> {
    let config = super::common::config(&args.common)?;
    let dir = super::common::archive_dir(&config, &args.archive);
    if !Accounts::open(&dir)?.remove(&args.name)? {
        anyhow::bail!(say("user_unknown", &json!({ "name": args.name }))?);
    }
    println!("{}", say("user_removed", &json!({ "name": args.name }))?);
    Ok(Outcome::Clean)
}
