//! What the deployment tells its users about getting help and about their
//! data: the help line of every page's footer and every notice
//! (`REDRESS_HELP`, `REDRESS_HELP_EN`), and what the privacy notice at
//! `/privacy` adds to its own words (`REDRESS_PRIVACY_FILE`,
//! `REDRESS_PRIVACY_FILE_EN`: a UTF-8 text file, paragraphs apart by a
//! blank line).
//!
//! Unset, the help line is the catalog's (`help.line`), which names no
//! number: a deployment sets its own, e.g.
//! `REDRESS_HELP="如需帮助：请致电 400-000-0000（每天 9:00–21:00）或写信至 help@example.cn"`.
//! The English one falls back to the Chinese one (a phone number reads the
//! same), and that to the catalog.

use std::path::Path;

use super::{ConfigError, Env};
use crate::i18n::Lang;

/// The largest privacy file read: a notice, not a book.
const PRIVACY_MAX: u64 = 64 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    line: Option<String>,
    line_en: Option<String>,
    privacy: Option<String>,
    privacy_en: Option<String>,
}

impl Help {
    /// The help line in `lang`.
    pub fn line(&self, lang: Lang) -> String {
        let own = match lang {
            Lang::ZhCn => self.line.as_ref(),
            Lang::En => self.line_en.as_ref().or(self.line.as_ref()),
        };
        own.cloned().unwrap_or_else(|| lang.tr().get("help.line").to_owned())
    }

    /// The privacy notice's added paragraphs in `lang` (none when unset).
    pub fn privacy(&self, lang: Lang) -> Vec<String> {
        let text = match lang {
            Lang::ZhCn => self.privacy.as_ref(),
            Lang::En => self.privacy_en.as_ref().or(self.privacy.as_ref()),
        };
        text.map(|t| {
            t.replace("\r\n", "\n").split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
        })
        .unwrap_or_default()
    }

    /// Only the help line, as a test or a deployment without files sets it.
    pub fn with_line(line: &str) -> Help {
        Help { line: Some(line.to_owned()), ..Help::default() }
    }
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn help(&self) -> Result<Help, ConfigError> {
        let line = |name| self.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(Help {
            line: line("REDRESS_HELP"),
            line_en: line("REDRESS_HELP_EN"),
            privacy: self.get("REDRESS_PRIVACY_FILE").map(|p| read("REDRESS_PRIVACY_FILE", &p)).transpose()?,
            privacy_en: self.get("REDRESS_PRIVACY_FILE_EN").map(|p| read("REDRESS_PRIVACY_FILE_EN", &p)).transpose()?,
        })
    }
}

/// The privacy file `path`, read once at start: a missing, unreadable,
/// oversized or non-UTF-8 file stops the start with its name.
fn read(name: &'static str, path: &str) -> Result<String, ConfigError> {
    let problem = |what: String| ConfigError { name, problem: format!("{path}: {what}") };
    let size = std::fs::metadata(Path::new(path)).map_err(|e| problem(e.to_string()))?.len();
    if size > PRIVACY_MAX {
        return Err(problem(format!("{size} bytes; at most {PRIVACY_MAX}")));
    }
    std::fs::read_to_string(path).map_err(|e| problem(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup(move |k| vars.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn the_help_line_is_the_catalogs_until_set_and_english_falls_back_to_it() {
        let c = with(&[]).unwrap();
        assert_eq!(c.help.line(Lang::ZhCn), Lang::ZhCn.tr().get("help.line"));
        assert_eq!(c.help.line(Lang::En), Lang::En.tr().get("help.line"));
        assert!(c.help.privacy(Lang::ZhCn).is_empty());
        let c = with(&[("REDRESS_HELP", " 客服电话 400-000-0000 ")]).unwrap();
        assert_eq!(c.help.line(Lang::ZhCn), "客服电话 400-000-0000");
        assert_eq!(c.help.line(Lang::En), "客服电话 400-000-0000");
        let c = with(&[("REDRESS_HELP", "客服电话 400-000-0000"), ("REDRESS_HELP_EN", "Call 400-000-0000")]).unwrap();
        assert_eq!(c.help.line(Lang::En), "Call 400-000-0000");
    }

    #[test]
    fn the_privacy_file_is_read_into_paragraphs_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("privacy.txt");
        std::fs::write(&file, "第一段。\r\n\r\n\n第二段，\n同一段。\n").unwrap();
        let c = with(&[("REDRESS_PRIVACY_FILE", file.to_str().unwrap())]).unwrap();
        assert_eq!(c.help.privacy(Lang::ZhCn), ["第一段。", "第二段，\n同一段。"]);
        assert_eq!(c.help.privacy(Lang::En), c.help.privacy(Lang::ZhCn), "the same file unless one is set for English");
        let err = with(&[("REDRESS_PRIVACY_FILE", "/no/such/file.txt")]).unwrap_err();
        assert_eq!(err.name, "REDRESS_PRIVACY_FILE");
        std::fs::write(&file, vec![b'a'; PRIVACY_MAX as usize + 1]).unwrap();
        let err = with(&[("REDRESS_PRIVACY_FILE_EN", file.to_str().unwrap())]).unwrap_err();
        assert_eq!(err.name, "REDRESS_PRIVACY_FILE_EN");
    }
}
