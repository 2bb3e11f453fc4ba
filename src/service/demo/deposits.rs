//! The demo's deposits: each merchant paid in what its categories require
//! a month after it joined, except 上海暖阳服饰, which paid only part and
//! shows as below its requirement.

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::domain::amount::format_yuan;
use crate::service::deposits;
use crate::store::{DbConnection, merchants};

pub fn seed(
    conn: &mut DbConnection,
    config: &Config,
    ids: &[i64],
    supervisor: i64,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let e = |e: deposits::DepositError| e.to_string();
    for (i, &id) in ids.iter().enumerate() {
        let merchant = merchants::find(conn, id).map_err(|e| e.to_string())?.ok_or("demo merchant gone")?;
        let required = deposits::required(conn, &merchant).map_err(|e| e.to_string())?;
        // The last one paid 60 % of it.
        let paid = if i + 1 == ids.len() { required * 3 / 5 } else { required };
        let note = format!("银行转账 流水号 DEP2026{:04}", 1000 + i);
        let at = now - Duration::days(60);
        deposits::record(conn, config, id, ("top_up", &format_yuan(paid), &note), supervisor, at).map_err(e)?;
    }
    Ok(())
}
