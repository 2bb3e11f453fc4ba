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

    /// The message for `key` as `viewer` reads it: staff read the
    /// catalog's `{key}.for_staff` where it has one, so a timeline entry the
    /// consumer reads as "您拒绝了解决方案" reaches staff as "消费者拒绝了方案".
    pub fn to<'a>(&self, viewer: crate::domain::event::Viewer, key: &'a str) -> &'a str {
        if viewer != crate::domain::event::Viewer::Consumer
            && let Some(v) = catalog(self.0).0.get(format!("{key}.for_staff").as_str())
        {
            return v;
        }
        self.get(key)
    }

    /// An instant in the deployment's zone, as this language writes it.
    pub fn time(&self, tz: chrono_tz::Tz, at: chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&tz).format(self.get("format.datetime")).to_string()
    }

    /// "退款 · ¥199.00": a resolution and an amount.
    pub fn terms(&self, resolution: &str, amount_fen: Option<i64>) -> String {
        let key = crate::domain::category::Resolution::from_slug(resolution).map_or("", |r| r.key());
        let label = self.get(key).to_owned();
        match amount_fen {
            Some(fen) => format!("{label} · ¥{}", crate::domain::amount::format_yuan(fen)),
            None => label,
        }
    }

    /// A relief in words: "退款 ¥199.00（其中 ¥50.00 由平台先行赔付）",
    /// "非金钱解决（换货、维修、道歉等）", "说明解释".
    pub fn relief(&self, r: &crate::domain::relief::Relief) -> String {
        use crate::domain::amount::format_yuan;
        match (r.amount_fen, r.compensation_fen) {
            (Some(fen), Some(paid)) => {
                self.fmt("relief.monetary_compensated", &[("amount", &format_yuan(fen)), ("paid", &format_yuan(paid))])
            }
            (Some(fen), None) => self.fmt("relief.monetary_amount", &[("amount", &format_yuan(fen))]),
            (None, _) => self.get(r.kind.key()).to_owned(),
        }
    }

    /// The message with `{name}` placeholders filled in, in one pass over
    /// the message: a value is never searched for placeholders itself (an
    /// e-mail address typed as `{password}@x.cn` stays as it was typed).
    /// A placeholder without a value is left as it is.
    pub fn fmt(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        fill(self.get(key), args)
    }
}

fn fill(message: &str, args: &[(&str, &dyn Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (close, v))
        });
        match value {
            Some((close, v)) => {
                let _ = write!(out, "{v}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
