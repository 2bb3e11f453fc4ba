//! Redress: after-sales complaint supervision for live commerce.
//!
//! Layers import downwards only; a unit test (`layers`) reads the source
//! and fails when one names what it may not:
//!
//! - `domain`: pure rules and validated types. Nothing else of the crate,
//!   no I/O: no actix, diesel, lettre or askama.
//! - `store`: diesel (schema, queries, the connection and its pool) on
//!   `domain`'s types (every slug column read as its enum), `i18n::Lang`
//!   (a consumer's language, a column) and `mail::Rendered`, the text of a
//!   notice the outbox keeps. Never `service`, the catalog (`i18n::Tr`),
//!   `config`, `clock`, `web` or `jobs`.
//! - `mail`: rendering (askama) and sending (lettre), with `i18n` and
//!   `config`. Never `store`, `service`, `web` or `jobs`.
//! - `sms`: sending text messages (the provider's API, or files), with
//!   `config` and `mail`'s `SendError`. Never `store`, `service`, `web` or
//!   `jobs`.
//! - `service`: the use cases, each write one transaction through `store`,
//!   with `domain`, `mail`, `sms`, `i18n` and `config`. Of diesel it names the
//!   error and result types only (queries are `store`'s; the sweeper's
//!   SQLite cache pragma is the one exception). Never actix, askama,
//!   lettre, `web` or `jobs`.
//! - `web` (actix, askama): pages write through `service` only, and read
//!   through `store` (its row types, the queries behind a page) and
//!   `domain`; with `i18n`, `config`, `clock` and `error` (the web's own
//!   error type). Never diesel or lettre, `jobs` or `startup`.
//! - `jobs`: threads running `service` (the sweeper, the mail dispatcher,
//!   the webhook dispatcher) on `store`'s pool, sending through `mail` and
//!   `sms`. The SQLite checkpointer
//!   runs its pragma itself. Never actix, askama or `web`.
//! - `startup` and the CLI (`main.rs`) put the layers together.

pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
#[cfg(test)]
mod layers;
pub mod mail;
pub mod service;
pub mod sms;
pub mod startup;
pub mod store;
pub mod web;
