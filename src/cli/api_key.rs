//! `redress api-key add`: an API key from the command line, for an
//! operator setting up an integration (or CI) without a browser. The key
//! is made as the key pages make it (`service::api_keys::create`: stored
//! hashed, on the audit log), in the name of a staff account: a merchant's
//! staff for `--merchant ID`, a supervisor for `--platform`. The whole key
//! is printed once, alone on standard output.

use chrono::{DateTime, Utc};
use redress::config::Config;
use redress::domain::api_key::{KeyForm, Scope};
use redress::domain::staff::Role;
use redress::service::api_keys;
use redress::service::audit::Actor;
use redress::startup::prepare_one;
use redress::store::users;

#[derive(clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key and print it (shown this once; only its hash is kept).
    Add {
        /// A key for this merchant's complaints (its id).
        #[arg(long, conflicts_with = "platform", required_unless_present = "platform")]
        merchant: Option<i64>,
        /// A platform key: files complaints for consumers, reads the queue, rules.
        #[arg(long)]
        platform: bool,
        /// The staff account the key is made by: one of the merchant's staff,
        /// or (for --platform) a supervisor, who is the one a ruling made
        /// with the key is by.
        #[arg(long, visible_aliases = ["supervisor", "staff"])]
        by: String,
        /// What the key is for, as the key pages list it.
        #[arg(long)]
        name: String,
    },
}

pub fn run(config: &Config, command: ApiKeyCommand, now: DateTime<Utc>) -> Result<(), String> {
    let ApiKeyCommand::Add { merchant, platform, by, name } = command;
    let scope = match (merchant, platform) {
        (Some(m), false) => Scope::Merchant(m),
        (None, true) => Scope::Platform,
        _ => return Err("give either --merchant ID or --platform".into()),
    };
    let name = KeyForm { name }.validate().map_err(|_| "--name: 1 to 60 readable characters".to_owned())?;
    let mut conn = prepare_one(config).map_err(|e| e.to_string())?;
    let email = by.trim().to_lowercase();
    let user = users::find_by_email(&mut conn, &email).map_err(|e| e.to_string())?;
    let user = user.ok_or_else(|| format!("no staff account {email}"))?;
    match (scope, user.role, user.merchant_id) {
        (Scope::Platform, Role::Supervisor, _) => {}
        (Scope::Merchant(m), Role::Merchant, Some(of)) if of == m => {}
        (Scope::Platform, _, _) => return Err(format!("{email} is not a supervisor: a platform key is made by one")),
        (Scope::Merchant(m), _, _) => return Err(format!("{email} is not staff of merchant {m}")),
    }
    let actor = Actor { user_id: Some(user.id), email: user.email, address: "cli".into() };
    let (_, key) = api_keys::create(&mut conn, scope, &name, &actor, now).map_err(|e| e.to_string())?;
    println!("{key}");
    Ok(())
}
