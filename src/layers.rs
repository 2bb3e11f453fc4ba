//! The rules of `lib.rs` on what each layer may use, checked on the source:
//! every line of code (not comments, not unit tests) under a layer's folder
//! is searched for what that layer must not name.

use std::path::{Path, PathBuf};

/// A layer, what it must not name, and the places that do today although
/// they should not: `(file under src/, what it names)`.
struct Rule {
    layer: &'static str,
    never: Vec<&'static str>,
    known: &'static [(&'static str, &'static str)],
}

/// The layers that put the others to work: no layer below names them.
const ABOVE: [&str; 3] = ["crate::web", "crate::jobs", "crate::startup"];
/// Diesel beyond its error and result types: the store's business.
const QUERIES: [&str; 4] = ["diesel::prelude", "diesel::dsl", "diesel::connection", "schema::"];

fn rule(layer: &'static str, never: &[&[&'static str]], known: &'static [(&'static str, &'static str)]) -> Rule {
    Rule { layer, never: never.concat(), known }
}

fn rules() -> [Rule; 7] {
    let others =
        ["crate::store", "crate::service", "crate::mail", "crate::sms", "crate::config", "crate::i18n", "crate::clock"];
    [
        rule("domain", &[&["actix", "diesel", "lettre", "askama"], &others, &ABOVE], &[]),
        rule(
            "store",
            &[
                &["actix", "lettre", "askama", "crate::service", "crate::i18n::Tr", "crate::config", "crate::clock"],
                &ABOVE,
            ],
            &[],
        ),
        rule("mail", &[&["actix", "diesel", "crate::store", "crate::service"], &ABOVE], &[]),
        rule("sms", &[&["actix", "diesel", "lettre", "crate::store", "crate::service"], &ABOVE], &[]),
        rule(
            "service",
            &[&["actix", "lettre", "askama"], &QUERIES, &ABOVE],
            &[("service/sweeper.rs", "diesel::connection")],
        ),
        rule(
            "jobs",
            &[&["actix", "askama", "crate::web", "crate::startup"], &QUERIES],
            &[("jobs/checkpointer.rs", "diesel::connection")],
        ),
        rule("web", &[&["diesel", "lettre", "schema::", "crate::jobs", "crate::startup"]], &[]),
    ]
}

/// The source files under `dir`, as (path under src/, code lines).
fn code(dir: &Path, src: &Path) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        if path.is_dir() {
            out.extend(code(&path, src));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests come last in a file and may use anything.
            let lines = text
                .lines()
                .take_while(|l| l.trim() != "#[cfg(test)]")
                .filter(|l| !l.trim_start().starts_with("//"))
                .map(str::to_owned)
                .collect();
            out.push((path.strip_prefix(src).unwrap().display().to_string(), lines));
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn each_layer_names_only_what_lib_rs_allows() {
    let src = src();
    let mut broken = Vec::new();
    for rule in &rules() {
        for (file, lines) in code(&src.join(rule.layer), &src) {
            for line in &lines {
                for never in rule.never.iter().copied() {
                    if line.contains(never) && !rule.known.contains(&(file.as_str(), never)) {
                        broken.push(format!("src/{file}: `{never}` in {}: {}", rule.layer, line.trim()));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "layers that name what lib.rs does not let them: {broken:#?}");
}

/// The store's functions that write (insert, update or delete), by module.
fn store_writes(src: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (file, lines) in code(&src.join("store"), src) {
        let module = file.trim_start_matches("store/").trim_end_matches(".rs").to_owned();
        let text = lines.join("\n");
        for piece in text.split("\npub fn ").skip(1) {
            let name: String = piece.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let body = piece.split("\npub fn ").next().unwrap_or("");
            if ["insert_into(", "diesel::update(", "diesel::delete(", "update(", "delete("]
                .iter()
                .any(|w| body.contains(w))
            {
                out.push((module.clone(), name));
            }
        }
    }
    out
}

/// The names a file gives the store's modules: `(local name, module)`,
/// from `use crate::store::…` (`evidence`, `{actions, merchants}`,
/// `complaints as store`, `dashboard::{self as queries, …}`).
fn store_modules(lines: &[String]) -> Vec<(String, String)> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut out = Vec::new();
    let text = lines.join(" ");
    for used in text.split("use crate::store::").skip(1) {
        let used = used.split(';').next().unwrap_or("");
        let module = ident(used);
        let after = &used[module.len()..];
        if let Some(group) = after.strip_prefix("::{").or_else(|| used.strip_prefix('{')) {
            for part in group.trim_end_matches('}').split(',').map(str::trim) {
                let (name, local) = part.split_once(" as ").unwrap_or((part, part));
                match (after.starts_with("::{"), name) {
                    (true, "self") => {
                        out.push((if local == "self" { module.clone() } else { ident(local) }, module.clone()))
                    }
                    (false, _) if name.chars().all(|c| c.is_lowercase() || c == '_') => {
                        out.push((ident(local), ident(name)))
                    }
                    _ => {}
                }
            }
        } else if let Some(local) = after.trim().strip_prefix("as ") {
            out.push((ident(local), module));
        } else if after.is_empty() {
            out.push((module.clone(), module));
        }
    }
    out
}

/// Pages write through `service` only: no handler calls a function of the
/// store that writes.
#[test]
fn the_web_writes_through_the_service_only() {
    let src = src();
    let writes = store_writes(&src);
    assert!(writes.iter().any(|(m, f)| m == "complaints" && f == "save_progress"), "the scan finds the store's writes");
    let mut broken = Vec::new();
    for (file, lines) in code(&src.join("web"), &src) {
        let text = lines.join("\n");
        let mut names = store_modules(&lines);
        names.extend(writes.iter().map(|(m, _)| (format!("crate::store::{m}"), m.clone())));
        for (local, module) in names {
            for (_, name) in writes.iter().filter(|(m, _)| *m == module) {
                let called = format!("{local}::{name}(");
                let found = text.match_indices(&called).any(|(at, _)| {
                    // `sessions::touch(` is not `service::sessions::touch(`.
                    !text[..at].ends_with("::") || local.starts_with("crate::")
                });
                if found {
                    broken.push(format!("src/{file}: {called}…) writes to the store"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "pages that write to the store without a service: {broken:#?}");
}

#[test]
fn the_names_of_store_modules_are_read_from_the_imports() {
    let lines = [
        "use crate::store::evidence;",
        "use crate::store::{actions, from_db, merchants};",
        "use crate::store::complaints as store;",
        "use crate::store::dashboard::{self as queries, Counters, Due};",
        "use crate::store::outbox::{self, MailState, Row};",
        "use crate::store::{DbConnection, Pool};",
    ]
    .map(str::to_owned);
    let names = store_modules(&lines);
    let expect = [
        ("evidence", "evidence"),
        ("actions", "actions"),
        ("from_db", "from_db"),
        ("merchants", "merchants"),
        ("store", "complaints"),
        ("queries", "dashboard"),
        ("outbox", "outbox"),
    ];
    assert_eq!(names, expect.map(|(a, b)| (a.to_owned(), b.to_owned())));
}
