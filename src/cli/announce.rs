//! What `redress serve` prints once it listens: where to start, how
//! sign-in and mail are set up, and what the demo seeded.

use redress::config::Config;
use redress::service::demo;

/// A line of the start-up banner. Writing it never fails the server: its
/// standard output may be a pipe whose reader has gone (a supervisor that
/// read what it needed, `| head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Where to start, how sign-in and mail are set up, and the demo's logins
/// and complaints when it was asked for (`seeded`).
pub fn announce(base: &str, config: &Config, seeded: Option<&demo::Seeded>) {
    say!("Redress is listening on {base}");
    say!("  file a complaint:  {base}/complaints/new");
    say!("  find a complaint:  {base}/track");
    say!("  staff sign-in:     {base}/login");
    match (config.supervisor_2fa, seeded.is_some()) {
        (true, _) => say!("  two-step sign-in:  required for supervisors"),
        (false, true) => say!("  two-step sign-in:  not required for supervisors (off for the demo)"),
        (false, false) => say!("  two-step sign-in:  not required for supervisors (REDRESS_SUPERVISOR_2FA=off)"),
    }
    // Before the mail line, which ends the banner without --demo.
    match &config.sms_url {
        Some(_) => say!("  SMS:               sent through SMS_URL (Tencent Cloud SMS)"),
        None => say!("  SMS:               written to {}", config.data_dir.join("outbox").display()),
    }
    match &config.smtp_url {
        Some(_) => say!("  mail:              sent through SMTP_URL"),
        None => say!("  mail:              written to {}", config.data_dir.join("outbox").display()),
    }
    match seeded {
        None => {}
        Some(seeded) if seeded.complaints.is_empty() => {
            say!("Demo data: the database already has merchants; nothing seeded.")
        }
        Some(seeded) => {
            say!("Demo sign-ins (password {}):", demo::PASSWORD);
            for (email, what) in &seeded.logins {
                say!("  {email}  {what}");
            }
            say!("Demo data seeded: 5 merchants, {} complaints. Their tracking pages:", seeded.complaints.len());
            for s in &seeded.complaints {
                say!("  {}  {base}/t/{}", s.reference, s.token);
            }
            if let Some(key) = &seeded.api_key {
                say!("Demo API key of the first merchant (shown this once; docs/api.md):");
                say!("  curl -H 'Authorization: Bearer {key}' {base}/api/v1/complaints");
            }
        }
    }
}
