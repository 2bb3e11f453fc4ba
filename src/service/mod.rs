//! Use cases. Each one that writes runs in one transaction: the complaint,
//! its timeline event and its outbox rows are stored together or not at all.

pub mod actions;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod catch_up;
pub mod complaints;
pub mod conversation;
pub mod demo;
pub mod deposits;
pub mod dispatch;
pub mod evidence;
pub mod incidents;
pub mod inspections;
pub mod live;
pub mod merchant_list;
pub mod merchants;
pub mod notify;
pub mod offenders;
pub mod overview;
pub mod rating;
pub mod read_receipts;
pub mod relief;
pub mod reply_templates;
pub mod reports;
pub mod retention;
pub mod review;
pub mod risk;
pub mod scorecard;
pub mod sessions;
pub mod supervision;
pub mod sweeper;
pub mod tracking;
pub mod two_factor;
pub mod verification;
pub mod violations;
