//! What the integration tests share, by what it helps with: the app under
//! test ([`app`]), its database ([`db`]), a browser ([`client`]), reading
//! its pages ([`html`]) and making test data ([`builders`]).

mod api;
mod api_platform;
mod app;
mod builders;
mod client;
mod db;
mod html;
pub mod live;
mod register;
mod sms_provider;

// Each test binary (tests/main.rs, tests/browser) uses what it needs.
#[allow(unused_imports)]
pub use {api::*, app::*, builders::*, client::*, db::*, html::*, sms_provider::*};
