//! How a complaint's matches are kept (`complaints.risk_matches`): one
//! line a rule, `<rule id>\t<weight>\t<label>` and then each word found,
//! `\t` before each, as the rule spells it. Labels and words hold no tab
//! or line break (`form` refuses them), so the lines read back as written;
//! the score is the sum of the lines' weights.

use super::{Assessment, Matched};
use crate::domain::matching::{self, Dictionary};

/// The matches as stored; `None` when nothing matched.
pub fn encode(a: &Assessment) -> Option<String> {
    let lines: Vec<String> = a
        .matched
        .iter()
        .map(|m| {
            let mut line = format!("{}\t{}\t{}", m.rule_id, m.weight, clean(&m.label));
            for w in &m.words {
                line.push('\t');
                line.push_str(&clean(w));
            }
            line
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// What a rule's text would break the format with, made blank.
fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// The matches read back; a line that is not one is left out.
pub fn decode(stored: Option<&str>) -> Assessment {
    let matched = stored
        .unwrap_or("")
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let rule_id = parts.next()?.parse().ok()?;
            let weight = parts.next()?.parse().ok()?;
            let label = parts.next()?.to_owned();
            Some(Matched { rule_id, weight, label, words: parts.map(str::to_owned).collect() })
        })
        .collect();
    Assessment { matched }
}

/// `text` in pieces, `true` for each place one of the matched words is
/// (in whatever width or script it was typed), for a page to mark.
pub fn highlight<'t>(text: &'t str, a: &Assessment) -> Vec<(&'t str, bool)> {
    let words = Dictionary::new(a.matched.iter().flat_map(|m| m.words.iter().map(|w| (w.as_str(), true))));
    let spans = matching::merged(&words.all(text));
    matching::pieces(text, &spans).into_iter().map(|(piece, marked)| (piece, marked.is_some())).collect()
}
