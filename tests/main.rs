//! Integration tests: the real server on port 0, a fresh database per test
//! (SQLite file; PostgreSQL when `TEST_DATABASE_URL` is set), driven over
//! HTTP like a browser.

mod bombs;
mod helpers;
mod instances;
mod statements;

mod audit;
mod cli;
mod consumer_edge;
mod consumer_pages;
mod conversation;
mod deadlines;
mod durability;
mod edges;
mod errors;
mod evidence;
mod evidence_bombs;
mod export_injection;
mod faults;
mod hostile_text;
mod journey;
mod language;
mod limits;
mod live_intake;
mod live_portal;
mod live_queue;
mod live_review;
mod mail;
mod merchant;
mod metrics_bounds;
mod my;
mod nested;
mod offenders;
mod operations;
mod picker;
mod plans;
mod process;
mod raw;
mod retention;
mod scorecard;
mod sessions;
mod signin;
mod silence;
mod slow_bodies;
mod sms;
mod smtp;
mod staff;
mod supervision;
mod supervisor;
mod supervisor_paths;
mod two_factor;
mod two_factor_reauth;
mod validation;
mod verification;
mod volume_flags;
