//! Words and phrases found in text as people type it: full-width letters,
//! digits and punctuation match their half-width forms, Latin letters
//! match in any case, and traditional characters match their simplified
//! forms (`variants`). Every character folds to exactly one character, so
//! a match found in the folded text is a span of the original, which a
//! page can mark. Used for risky wording in a product's claims
//! (`live::claims`) and for the risk rules (`risk`).

mod variants;

use std::collections::HashMap;

pub use variants::simplified;

/// `c` as it is compared: full-width ASCII (U+FF01..U+FF5E) and the
/// ideographic space to their half-width forms, Latin letters lowercased,
/// a traditional character to its simplified form.
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    };
    simplified(c.to_ascii_lowercase())
}

/// `text` with every character folded.
pub fn folded(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// One match: `start..end` are byte offsets in the original text, on
/// character boundaries; `tag` is what the word was given with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span<T> {
    pub start: usize,
    pub end: usize,
    pub tag: T,
}

/// Words to look for, each with a tag, indexed by their first folded
/// character so that a text is read once.
#[derive(Debug, Clone)]
pub struct Dictionary<T> {
    /// The words (folded) that start with a character, longest first.
    by_first: HashMap<char, Vec<(Vec<char>, T)>>,
}

impl<T: Copy> Dictionary<T> {
    /// The dictionary of `words`; blank ones are left out.
    pub fn new<'w>(words: impl IntoIterator<Item = (&'w str, T)>) -> Dictionary<T> {
        let mut by_first: HashMap<char, Vec<(Vec<char>, T)>> = HashMap::new();
        for (word, tag) in words {
            let chars: Vec<char> = word.trim().chars().map(fold).collect();
            if let Some(first) = chars.first() {
                by_first.entry(*first).or_default().push((chars, tag));
            }
        }
        for words in by_first.values_mut() {
            words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        Dictionary { by_first }
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// Every match of every word, overlapping ones too: by where they
    /// start, the longest first at each place.
    pub fn all(&self, text: &str) -> Vec<Span<T>> {
        self.scan(text, false)
    }

    /// The longest match at each place, none overlapping, left to right.
    pub fn longest(&self, text: &str) -> Vec<Span<T>> {
        self.scan(text, true)
    }

    fn scan(&self, text: &str, longest: bool) -> Vec<Span<T>> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, fold(c))).collect();
        let end_of = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
        let mut i = 0;
        while i < chars.len() {
            let mut step = 1;
            if let Some(words) = self.by_first.get(&chars[i].1) {
                for (word, tag) in words {
                    let n = word.len();
                    let hit = i + n <= chars.len() && chars[i..i + n].iter().map(|(_, c)| c).eq(word.iter());
                    if hit {
                        out.push(Span { start: chars[i].0, end: end_of(i + n), tag: *tag });
                        if longest {
                            step = n;
                            break;
                        }
                    }
                }
            }
            i += step;
        }
        out
    }
}

/// `spans` (in order of their starts) with overlapping ones joined: what a
/// page marks. A joined span keeps the first one's tag.
pub fn merged<T: Copy>(spans: &[Span<T>]) -> Vec<Span<T>> {
    let mut out: Vec<Span<T>> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => out.push(*s),
        }
    }
    out
}

/// `text` cut into pieces: plain text, or a span's text with its tag, for
/// a template to escape and mark. `spans` must not overlap.
pub fn pieces<'t, T: Copy>(text: &'t str, spans: &[Span<T>]) -> Vec<(&'t str, Option<T>)> {
    let mut out = Vec::new();
    let mut at = 0;
    for s in spans {
        if s.start > at {
            out.push((&text[at..s.start], None));
        }
        out.push((&text[s.start..s.end], Some(s.tag)));
        at = s.end;
    }
    if at < text.len() {
        out.push((&text[at..], None));
    }
    out
}

#[cfg(test)]
mod tests;
