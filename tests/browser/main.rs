//! The journeys in a real browser: headless Chromium (Debian's `chromium`
//! and `chromedriver`) against the real server, with axe-core and the
//! phone-first checks on every page. Skipped, saying so, when Chromium is
//! not installed; `REDRESS_BROWSER_TESTS=required` (CI) makes that a failure.

#[allow(dead_code)]
#[path = "../helpers/mod.rs"]
mod helpers;

mod cases;
mod charts;
mod consumer_pages;
mod forms;
mod harness;
mod journey;
mod lists;
mod live;
mod merchant_list;
mod pages;
mod relief;
mod script;
mod staff_pages;
mod tab;
