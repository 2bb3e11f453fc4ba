use super::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn keys(lang: Lang) -> BTreeSet<&'static str> {
    catalog(lang).0.keys().copied().collect()
}

#[test]
fn every_key_exists_in_every_language() {
    let zh = keys(Lang::ZhCn);
    let en = keys(Lang::En);
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty() && only_en.is_empty(), "missing in en: {only_zh:?}; missing in zh-CN: {only_en:?}");
    for lang in Lang::ALL {
        for (k, v) in &catalog(lang).0 {
            assert!(!v.is_empty(), "{k} is empty in {}", lang.code());
        }
    }
}

/// Every key written out in a template or in the code exists: those passed
/// to `get` and `fmt`, any string literal shaped like a key of one of the
/// catalog's sections (`"error.required"` in `Invalid::key`, the export's
/// column headings, the header's links …), and for a form field's label
/// (`FieldView::new(t, "form.amount", …)`) its hint too.
#[test]
fn every_key_the_templates_and_code_use_exists() {
    let zh = keys(Lang::ZhCn);
    let sections: BTreeSet<&str> = zh.iter().filter_map(|k| k.split_once('.')).map(|(s, _)| s).collect();
    let mut missing = Vec::new();
    for dir in ["templates", "src"] {
        for (path, text) in files(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
            let used = quoted_keys(&text).into_iter().chain(literal_keys(&text, &sections));
            let labels = field_labels(&text);
            for key in used.chain(labels.iter().flat_map(|l| [l.clone(), format!("{l}_hint")])) {
                if !zh.contains(key.as_str()) {
                    missing.push(format!("{path}: {key}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "keys used but not in the catalog: {missing:#?}");
}

/// Keys passed as string literals to the `get` and `fmt` methods.
fn quoted_keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in ["t.get(\"", "t.fmt(\"", "tr.get(\""] {
        for piece in text.split(marker).skip(1) {
            if let Some(end) = piece.find('"') {
                let key = &piece[..end];
                if !key.is_empty() && !key.contains('{') && !key.ends_with('.') {
                    out.push(key.to_owned());
                }
            }
        }
    }
    out
}

/// String literals shaped like a key (`"section.name"`, lower case, digits
/// and `_`) of a section the catalog has; not file names (`"error.html"`)
/// nor the prefixes of `#[catalog(…)]`.
fn literal_keys(text: &str, sections: &BTreeSet<&str>) -> Vec<String> {
    const FILES: [&str; 8] = ["html", "txt", "pdf", "webp", "png", "jpg", "jpeg", "csv"];
    let shaped = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.';
    let mut out = Vec::new();
    for piece in text.split('"').skip(1) {
        let run = piece.bytes().take_while(|b| shaped(*b)).count();
        let (key, after) = piece.split_at(run);
        // `split` has eaten the closing quote: the literal ended where the piece does.
        if !after.is_empty() || key.is_empty() {
            continue;
        }
        let Some((section, rest)) = key.split_once('.') else { continue };
        let ext = key.rsplit('.').next().unwrap_or("");
        let prefix = key.ends_with(['.', '_']); // `#[catalog("tracking.done_")]`
        if sections.contains(section) && !rest.is_empty() && !prefix && !FILES.contains(&ext) {
            out.push(key.to_owned());
        }
    }
    out
}

/// The label keys given to `FieldView::new`, whose hint is `{label}_hint`;
/// a label that is not written out there is reported as missing.
fn field_labels(text: &str) -> Vec<String> {
    let marker = concat!("FieldView", "::new(");
    let mut out = Vec::new();
    for piece in text.split(marker).skip(1) {
        let second = piece.split_once(',').map_or("", |(_, rest)| rest.trim_start());
        let key = second.strip_prefix('"').and_then(|s| s.split_once('"')).map(|(key, _)| key);
        out.push(key.map_or_else(|| format!("(not written out: {})", &second[..second.len().min(40)]), str::to_owned));
    }
    out
}

fn files(dir: PathBuf) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(path));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((path.display().to_string(), text));
        }
    }
    out
}

fn keys_of<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| key(*v)).collect()
}

/// The enums declared with `#[catalog(…)]` in `slug_enum!`, by name.
fn declared_with_messages() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, text) in files(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")) {
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.trim_start().starts_with(concat!("#[catalog", "(")) {
                let name = lines.find_map(|l| l.trim_start().strip_prefix("pub enum "));
                out.insert(name.unwrap_or("").trim_end_matches(" {").to_owned());
            }
        }
    }
    out
}

/// Keys that code builds from a value: each value of every enum that names
/// its message (`key()`) has it in every language.
#[test]
fn every_key_built_at_run_time_exists() {
    use crate::domain::action::{ActionKind, AppealDecision};
    use crate::domain::audit::AuditKind;
    use crate::domain::category::{Category, Resolution};
    use crate::domain::contact::Reach;
    use crate::domain::deadline::DeadlineKind;
    use crate::domain::deposit::EntryKind;
    use crate::domain::event::EventKind;
    use crate::domain::incident::{IncidentState, IncidentSubject};
    use crate::domain::inspection::Verdict;
    use crate::domain::live::{HostKind, HostMeasure, HostStatus, Platform, ProductCategory, ProductDecision};
    use crate::domain::live::{Review, RoomMeasure, RoomStatus, Target};
    use crate::domain::merchant::SoldCategory;
    use crate::domain::offender::Supervision;
    use crate::domain::register::PublicResponse;
    use crate::domain::relief::{ReliefKind, ReliefSource};
    use crate::domain::report::ReportState;
    use crate::domain::risk::{RiskState, RuleKind};
    use crate::domain::state::{EscalationReason, Outcome, State};
    use crate::domain::violation::{Level, Measure, Violation};
    use crate::domain::webhook::DeliveryState;
    use crate::service::offenders::FlagDecision;
    use crate::store::dashboard::Due;
    use crate::web::api::problem::ProblemKind;
    use crate::web::notice::{CaseAct, MerchantAdminDone, MerchantDone, SupervisorDone, TrackingDone};

    let enums = [
        ("ActionKind", keys_of(ActionKind::ALL, ActionKind::key)),
        ("AppealDecision", keys_of(AppealDecision::ALL, AppealDecision::key)),
        ("AuditKind", keys_of(AuditKind::ALL, AuditKind::key)),
        ("CaseAct", keys_of(CaseAct::ALL, CaseAct::key)),
        ("Category", keys_of(Category::ALL, Category::key)),
        ("DeadlineKind", keys_of(DeadlineKind::ALL, DeadlineKind::key)),
        ("Due", keys_of(Due::ALL, Due::key)),
        ("EscalationReason", keys_of(EscalationReason::ALL, EscalationReason::key)),
        ("EventKind", keys_of(EventKind::ALL, EventKind::key)),
        ("FlagDecision", keys_of(FlagDecision::ALL, FlagDecision::key)),
        ("IncidentState", keys_of(IncidentState::ALL, IncidentState::key)),
        ("IncidentSubject", keys_of(IncidentSubject::ALL, IncidentSubject::key)),
        ("MerchantAdminDone", keys_of(MerchantAdminDone::ALL, MerchantAdminDone::key)),
        ("MerchantDone", keys_of(MerchantDone::ALL, MerchantDone::key)),
        ("Outcome", keys_of(Outcome::ALL, Outcome::key)),
        ("Platform", keys_of(Platform::ALL, Platform::key)),
        ("RoomStatus", keys_of(RoomStatus::ALL, RoomStatus::key)),
        ("HostKind", keys_of(HostKind::ALL, HostKind::key)),
        ("HostStatus", keys_of(HostStatus::ALL, HostStatus::key)),
        ("ProductCategory", keys_of(ProductCategory::ALL, ProductCategory::key)),
        ("Review", keys_of(Review::ALL, Review::key)),
        ("ProductDecision", keys_of(ProductDecision::ALL, ProductDecision::key)),
        ("RoomMeasure", keys_of(RoomMeasure::ALL, RoomMeasure::key)),
        ("HostMeasure", keys_of(HostMeasure::ALL, HostMeasure::key)),
        ("Target", keys_of(Target::ALL, Target::key)),
        ("Reach", keys_of(Reach::ALL, Reach::key)),
        ("Resolution", keys_of(Resolution::ALL, Resolution::key)),
        ("SoldCategory", keys_of(SoldCategory::ALL, SoldCategory::key)),
        ("State", keys_of(State::ALL, State::key)),
        ("Supervision", keys_of(Supervision::ALL, Supervision::key)),
        ("SupervisorDone", keys_of(SupervisorDone::ALL, SupervisorDone::key)),
        ("TrackingDone", keys_of(TrackingDone::ALL, TrackingDone::key)),
        ("RuleKind", keys_of(RuleKind::ALL, RuleKind::key)),
        ("RiskState", keys_of(RiskState::ALL, RiskState::key)),
        ("Verdict", keys_of(Verdict::ALL, Verdict::key)),
        ("ReportState", keys_of(ReportState::ALL, ReportState::key)),
        ("ReliefKind", keys_of(ReliefKind::ALL, ReliefKind::key)),
        ("ReliefSource", keys_of(ReliefSource::ALL, ReliefSource::key)),
        ("EntryKind", keys_of(EntryKind::ALL, EntryKind::key)),
        ("Violation", keys_of(Violation::ALL, Violation::key)),
        ("Level", keys_of(Level::ALL, Level::key)),
        ("Measure", keys_of(Measure::ALL, Measure::key)),
        ("DeliveryState", keys_of(DeliveryState::ALL, DeliveryState::key)),
        ("ProblemKind", keys_of(ProblemKind::ALL, ProblemKind::key)),
        ("PublicResponse", keys_of(PublicResponse::ALL, PublicResponse::key)),
    ];
    let checked: BTreeSet<String> = enums.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(checked, declared_with_messages(), "every enum with `#[catalog(…)]` is checked here");
    for lang in Lang::ALL {
        let missing: Vec<_> = enums
            .iter()
            .flat_map(|(name, keys)| keys.iter().map(move |k| (name, k)))
            .filter(|(_, k)| !catalog(lang).0.contains_key(*k))
            .collect();
        assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
    }
}

#[test]
fn the_scanners_find_what_they_look_for() {
    let sections: BTreeSet<&str> = ["alpha", "beta"].into();
    let text = r#"x => "alpha.required", "alpha.html", "beta.", "other.thing", "/alpha.x", "beta.a.b_2""#;
    assert_eq!(literal_keys(text, &sections), ["alpha.required", "beta.a.b_2"]);
    let text = concat!("FieldView", "::new(&ctx.t, \"form.amount\", v, e) FieldView", "::new(t, label, v, e)");
    assert_eq!(field_labels(text), ["form.amount", "(not written out: label, v, e))"]);
    assert!(declared_with_messages().contains("Category"));
}

#[test]
fn negotiates_accept_language() {
    assert_eq!(Lang::negotiate(""), Lang::ZhCn);
    assert_eq!(Lang::negotiate("en-US,en;q=0.9"), Lang::En);
    assert_eq!(Lang::negotiate("fr-FR,en;q=0.5,zh-CN;q=0.8"), Lang::ZhCn);
    assert_eq!(Lang::negotiate("de,fr"), Lang::ZhCn);
    assert_eq!(Lang::negotiate("zh-TW;q=0, en;q=0.1"), Lang::En);
}

#[test]
fn fills_placeholders() {
    let t = Lang::En.tr();
    assert_eq!(t.fmt("error.too_long", &[("n", &50)]), "At most 50 characters.");
}

#[test]
fn a_value_is_never_read_for_placeholders() {
    let args: [(&str, &dyn Display); 2] = [("email", &"{password}@x.cn"), ("password", &"s3cret")];
    assert_eq!(fill("{email} / {password}", &args), "{password}@x.cn / s3cret");
    let args: [(&str, &dyn Display); 2] = [("password", &"s3cret"), ("email", &"{password}@x.cn")];
    assert_eq!(fill("{email} / {password}", &args), "{password}@x.cn / s3cret", "whatever the order of the values");
    // Unknown placeholders and stray braces stay as they are.
    assert_eq!(fill("{a} {nope} { {email", &args), "{a} {nope} { {email");
    assert_eq!(fill("{email}{email}", &args), "{password}@x.cn{password}@x.cn");
}

#[test]
fn a_typed_email_does_not_receive_the_generated_password() {
    let t = Lang::En.tr();
    let said = t.fmt("merchant_admin.staff_created", &[("email", &"{password}@x.cn"), ("password", &"Xy7-generated")]);
    assert!(said.starts_with("Account opened for {password}@x.cn. Temporary password: Xy7-generated"), "{said}");
    assert_eq!(said.matches("Xy7-generated").count(), 1, "{said}");
}
