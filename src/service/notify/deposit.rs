//! Notices to the merchant about its deposit, in Chinese like its other
//! notices: compensation paid from it (how much, for which complaint, and
//! by when to top up), and its automatic restriction lifted.

use chrono::{DateTime, Utc};

use super::staff::to_merchant;
use super::{fmt, time};
use crate::config::Config;
use crate::domain::amount::format_yuan;
use crate::domain::deposit::Standing;
use crate::i18n::{Lang, Tr};
use crate::store::complaints::Complaint;
use crate::store::outbox::MailKind;
use crate::store::{DbConnection, to_db};

fn deposit_link(t: &Tr, config: &Config) -> Option<(String, String)> {
    Some((t.get("mail.deposit.open").to_owned(), format!("{}/merchant/deposit", config.public_base())))
}

/// `entry` is the compensation's ledger entry and the fen paid.
pub fn deposit_compensation(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    (entry, fen): (i64, i64),
    standing: Standing,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    to_merchant(
        conn,
        config,
        c.merchant_id,
        MailKind::MerchantDeposit,
        format!("deposit_compensation:{entry}"),
        Some(c),
        |t| fmt(t, "mail.deposit.subject", &[("reference", &c.reference), ("amount", &format_yuan(fen))]),
        |t| {
            let mut p = vec![fmt(
                t,
                "mail.deposit.p1",
                &[
                    ("reference", &c.reference),
                    ("amount", &format_yuan(fen)),
                    ("balance", &format_yuan(standing.balance)),
                    ("required", &format_yuan(standing.required)),
                ],
            )];
            if standing.owed > 0 {
                p.push(fmt(t, "mail.deposit.owed", &[("owed", &format_yuan(standing.owed))]));
            }
            if !standing.sufficient {
                p.push(fmt(
                    t,
                    "mail.deposit.p2",
                    &[("shortfall", &format_yuan(standing.shortfall)), ("due", &time(t, config, to_db(due)))],
                ));
            }
            p
        },
        deposit_link(&Lang::ZhCn.tr(), config),
        now,
    )
}

/// The automatic restriction `restriction` lifted, with the reason.
pub fn deposit_lifted(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    restriction: i64,
    why: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    to_merchant(
        conn,
        config,
        merchant_id,
        MailKind::MerchantDeposit,
        format!("deposit_lifted:{restriction}"),
        None,
        |t| t.get("mail.deposit.lifted_subject").to_owned(),
        |_| vec![why.to_owned()],
        deposit_link(&Lang::ZhCn.tr(), config),
        now,
    )
}
