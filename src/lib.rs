//! Redress: after-sales complaint supervision for live commerce.
//!
//! Layers import downwards only: `web`, `jobs` and the CLI call `service`,
//! which uses `store` (diesel) and `domain` (pure rules, no I/O).

pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod service;
pub mod startup;
pub mod store;
pub mod web;
