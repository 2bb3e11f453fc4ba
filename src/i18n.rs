//! The message catalog: every user-visible string, in zh-CN (the default)
//! and English, from `locales/`. A unit test fails when a key is missing in
//! either language or a template uses a key that does not exist.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Accepts a language tag: `zh-CN`, `zh`, `zh-Hans`, `en`, `en-GB`, …
    pub fn from_code(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks from an `Accept-Language` header, highest quality first;
    /// zh-CN when nothing we speak is asked for.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_code) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::ZhCn, |(_, l)| l)
    }

    pub fn tr(self) -> Tr {
        Tr(self)
    }
}

struct Catalog(HashMap<&'static str, &'static str>);

fn parse(source: &'static str, name: &str) -> Catalog {
    let mut map = HashMap::new();
    for (n, line) in source.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else {
            panic!("{name}:{}: expected `key = value`", n + 1);
        };
        if map.insert(key.trim(), value.trim()).is_some() {
            panic!("{name}:{}: duplicate key {key}", n + 1);
        }
    }
    Catalog(map)
}

static CATALOGS: LazyLock<[Catalog; 2]> = LazyLock::new(|| {
    [parse(include_str!("../locales/zh-CN.txt"), "zh-CN.txt"), parse(include_str!("../locales/en.txt"), "en.txt")]
});

fn catalog(lang: Lang) -> &'static Catalog {
    &CATALOGS[lang as usize]
}

/// Translations in one language; templates call `ctx.t.get(key)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn lang(&self) -> Lang {
        self.0
    }

    /// The message for `key`; the key itself if it is missing (which the
    /// catalog tests do not let happen).
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        match catalog(self.0).0.get(key) {
            Some(v) => v,
            None => key,
        }
    }

    /// An instant in the deployment's zone, as this language writes it.
    pub fn time(&self, tz: chrono_tz::Tz, at: chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&tz).format(self.get("format.datetime")).to_string()
    }

    /// "退款 · ¥199.00": a resolution and an amount.
    pub fn terms(&self, resolution: &str, amount_fen: Option<i64>) -> String {
        let label = self.get(&format!("resolution.{resolution}")).to_owned();
        match amount_fen {
            Some(fen) => format!("{label} · ¥{}", crate::domain::amount::format_yuan(fen)),
            None => label,
        }
    }

    /// The message with `{name}` placeholders filled in.
    pub fn fmt(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        let mut out = self.get(key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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

    #[test]
    fn every_key_the_templates_and_code_use_exists() {
        let zh = keys(Lang::ZhCn);
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for (path, text) in files(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
                for key in quoted_keys(&text) {
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

    fn files(dir: std::path::PathBuf) -> Vec<(String, String)> {
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

    /// Keys that code builds from a slug or a status code.
    #[test]
    fn every_key_built_at_run_time_exists() {
        use crate::domain::category::{Category, Resolution};
        use crate::domain::complaint::{Field, Invalid};
        use crate::domain::deadline::DeadlineKind;
        use crate::domain::event::EventKind;
        use crate::domain::state::{EscalationReason, Outcome, State};

        let mut wanted: Vec<String> = Vec::new();
        let complaint_form = [
            Field::Merchant,
            Field::OrderRef,
            Field::Category,
            Field::DesiredResolution,
            Field::Amount,
            Field::Description,
            Field::ConsumerName,
            Field::ConsumerPhone,
            Field::ConsumerEmail,
        ];
        for f in complaint_form {
            wanted.extend([format!("form.{f}"), format!("form.{f}_hint")]);
        }
        for f in [Field::Name, Field::CreditCode, Field::Email, Field::ShopUrl, Field::Categories, Field::Qualification]
        {
            wanted.extend([format!("onboard.{f}"), format!("onboard.{f}_hint")]);
        }
        wanted.extend(crate::domain::merchant::SoldCategory::ALL.iter().map(|c| format!("sold.{c}")));
        for (form, f) in [
            ("track", "reference"),
            ("track", "contact"),
            ("tracking", "body"),
            ("tracking", "reason"),
            ("reply", "body"),
            ("proposal", "resolution"),
            ("proposal", "amount"),
            ("proposal", "body"),
            ("login", "email"),
            ("login", "password"),
            ("ruling", "body"),
            ("rating", "comment"),
        ] {
            wanted.extend([format!("{form}.{f}"), format!("{form}.{f}_hint")]);
        }
        wanted.extend(
            [
                "link_queued",
                "link_already",
                "link_none",
                "replied",
                "accepted",
                "rejected",
                "withdrawn",
                "escalated",
                "rated",
            ]
            .map(|d| format!("tracking.done_{d}")),
        );
        wanted.extend(["replied", "noted", "proposed"].map(|d| format!("merchant.done_{d}")));
        wanted.extend(["overdue", "soon"].map(|d| format!("dashboard.due_{d}")));
        wanted.extend(EscalationReason::ALL.iter().map(|r| format!("reason.{r}")));
        wanted.extend(Outcome::ALL.iter().map(|o| format!("outcome.{o}")));
        wanted.extend((1..=5).map(|n| format!("rating.score_{n}")));
        wanted.extend(["none", "flagged", "supervised"].map(|s| format!("supervision.{s}")));
        wanted.extend(["onboarded", "action", "lifted", "appeal"].map(|d| format!("merchant_admin.done_{d}")));
        wanted.extend(["granted", "rejected"].map(|d| format!("appeal.decision_{d}")));
        wanted.extend(crate::service::offenders::FlagDecision::ALL.iter().map(|d| format!("flags.done_{d}")));
        wanted.extend(crate::domain::action::ActionKind::ALL.iter().map(|a| format!("action.{a}")));
        wanted.extend(crate::web::supervisor::export::COLUMNS.map(|c| format!("export.{c}")));
        wanted.extend(["claimed", "released", "ruled"].map(|d| format!("supervisor.done_{d}")));
        wanted.extend(Category::ALL.iter().map(|c| format!("category.{c}")));
        wanted.extend(Resolution::ALL.iter().map(|r| format!("resolution.{r}")));
        wanted.extend(State::ALL.iter().map(|s| format!("state.{s}")));
        wanted.extend(EventKind::ALL.iter().map(|e| format!("event.{e}")));
        wanted.extend(DeadlineKind::ALL.iter().map(|d| format!("deadline.{d}")));
        for d in DeadlineKind::ALL {
            for mail in ["reminder", "breach"] {
                wanted.extend([format!("mail.{mail}_{d}.subject"), format!("mail.{mail}_{d}.p1")]);
            }
        }
        for code in [400, 403, 404, 405, 413, 422, 429, 500, 503] {
            wanted.extend([format!("errorpage.{code}.title"), format!("errorpage.{code}.message")]);
        }
        let invalid = [
            Invalid::Required,
            Invalid::TooShort { min: 1 },
            Invalid::TooLong { max: 1 },
            Invalid::ControlCharacter,
            Invalid::UnknownChoice,
            Invalid::UnknownMerchant,
            Invalid::Phone,
            Invalid::Email,
            Invalid::Amount,
            Invalid::AmountTooLarge,
            Invalid::NeedContact,
            Invalid::IndividualBusiness,
            Invalid::DuplicateCreditCode,
            Invalid::QualificationRequired,
        ];
        wanted.extend(
            crate::domain::credit_code::CreditCodeError::ALL.iter().map(|e| Invalid::CreditCode(*e).key().to_owned()),
        );
        wanted.extend(invalid.iter().map(|i| i.key().to_owned()));
        for lang in Lang::ALL {
            let missing: Vec<_> = wanted.iter().filter(|k| !catalog(lang).0.contains_key(k.as_str())).collect();
            assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
        }
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
}
