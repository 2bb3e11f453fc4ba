//! Personal data out of a complaint's text before the public register shows
//! it: each piece replaced by a visible marker (`[手机号]`, `[地址]` …) so
//! a reader sees that something was there and what kind of thing it was.
//!
//! It runs for every case on a public page and for every case of an
//! open-data file, so it is a hand-written scanner over the text's
//! characters (no regular expressions, nothing compiled per call): a few
//! microseconds for a complaint of a few hundred characters.
//!
//! The text is read in a folded form, one character for one (full-width
//! ASCII as half-width, `＠` as `@`, the ideographic space as a space, Latin
//! letters in lower case), so that `１３８ ００１３ ８０００` and `LI WEI`
//! are found like their plain spellings; what is kept is copied from the
//! original. Detectors run in a fixed order, most specific first (links,
//! e-mail addresses, numbers introduced by a keyword such as `订单号`,
//! letter-and-digit codes, bare numbers, names, addresses); what one has
//! taken is invisible to the next. Markers already in the text are left as
//! they are and hide nothing around them, and the text is scrubbed until
//! nothing more is found, so scrubbing twice changes nothing more:
//! `scrub(&scrub(x, n), n) == scrub(x, n)`.
//!
//! What stays: amounts, dates, times, quantities, short model numbers,
//! province, city and district names, platform and shop names. Each
//! detector's module says what it takes and where it draws the line.

use std::sync::LazyLock;

mod address;
mod digits;
mod ids;
mod lists;
mod names;
mod web;

use lists::{Words, has_bit, set_bit};

/// What a piece of personal data is replaced with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Marker {
    Name,
    Mobile,
    Phone,
    Email,
    IdCard,
    BankCard,
    Address,
    Order,
    Tracking,
    Link,
    Wechat,
    Qq,
}

impl Marker {
    /// Every marker, for code that must recognise them (the search index
    /// skips them).
    pub const ALL: [Marker; 12] = [
        Marker::Name,
        Marker::Mobile,
        Marker::Phone,
        Marker::Email,
        Marker::IdCard,
        Marker::BankCard,
        Marker::Address,
        Marker::Order,
        Marker::Tracking,
        Marker::Link,
        Marker::Wechat,
        Marker::Qq,
    ];

    /// The marker as it appears in scrubbed text, brackets included.
    pub fn text(self) -> &'static str {
        match self {
            Marker::Name => "[姓名]",
            Marker::Mobile => "[手机号]",
            Marker::Phone => "[电话]",
            Marker::Email => "[邮箱]",
            Marker::IdCard => "[身份证号]",
            Marker::BankCard => "[银行卡号]",
            Marker::Address => "[地址]",
            Marker::Order => "[订单号]",
            Marker::Tracking => "[快递单号]",
            Marker::Link => "[链接]",
            Marker::Wechat => "[微信号]",
            Marker::Qq => "[QQ号]",
        }
    }
}

/// `text` with personal data replaced by markers.
///
/// `names` are names known to belong to people in the case: the consumer's
/// as they typed it and those of the merchant's people the system knows (a
/// live room's host, say). Each is found however it is spaced or cased
/// (`李伟`, `李 伟`; `Li Wei`, `WEI LI`, `liwei`), and a Chinese name also by
/// its surname with a form of address (`李先生` → `[姓名]先生`, `小李`,
/// `老李` → `[姓名]`). Names shorter than two characters are ignored. Names
/// nobody gave are found only after a word for the merchant's staff
/// (`客服王芳说` → `客服[姓名]说`): see `names`.
///
/// What one detector decides can depend on what borders it, and a later
/// one may take that (a WeChat id written up against a code that turns
/// out to be an order number). So when a pass took something, the result
/// is scrubbed again, until a pass finds nothing more: usually once more,
/// and never more often than there are characters left, since each pass
/// that finds something hides at least one behind a marker. Scrubbing the
/// result again therefore changes nothing.
pub fn scrub(text: &str, names: &[&str]) -> String {
    let Some(mut out) = pass(text, names) else {
        return text.to_owned();
    };
    while let Some(again) = pass(&out, names) {
        out = again;
    }
    out
}

/// One pass of every detector, in order; `None` when none found anything.
fn pass(text: &str, names: &[&str]) -> Option<String> {
    let mut s = Scan::new(text);
    s.protect_markers();
    web::links(&mut s);
    web::emails(&mut s);
    ids::keyed(&mut s);
    ids::tokens(&mut s);
    digits::numbers(&mut s);
    names::known(&mut s, names);
    names::staff(&mut s);
    address::addresses(&mut s);
    s.finish()
}

/// What is never part of anything: taken characters read as this.
const TAKEN: char = '\u{FFFF}';

/// The characters a detector may start at, besides letters and digits:
/// the first characters of keywords, staff words and address suffixes, and
/// `@`, `[`, `(` for e-mail addresses.
static TRIGGERS: LazyLock<[u64; 64]> = LazyLock::new(|| {
    let mut bits = [0u64; 64];
    let firsts = ids::KEY_WORDS.firsts.iter().chain(&names::ROLE_WORDS.firsts).chain(&address::SUFFIXES.firsts);
    for &c in firsts.chain(&['@', '[', '(']) {
        set_bit(&mut bits, c);
    }
    bits
});

/// Which positions a detector visits (see [`Scan::each`]).
#[derive(Clone, Copy)]
enum Starts {
    /// Where a run of ASCII letters or a run of digits starts (`0000vx`
    /// has two). A detector that wants a word of its own checks what is
    /// before it when it gets there: what was there may have been taken,
    /// and scrubbing again must find what the marker now borders.
    Alnum,
    /// Where a run of digits starts.
    Digits,
    /// Where a trigger character is ([`TRIGGERS`]).
    Hits,
}

/// The text being scrubbed: its characters, their folded forms (`TAKEN`
/// where something was taken), what was taken by what, and the few
/// positions detectors start at (most characters of Chinese prose start
/// nothing, and are never visited).
struct Scan {
    orig: Vec<char>,
    text: Vec<char>,
    spans: Vec<(usize, usize, Marker)>,
    starts: [Vec<usize>; 3],
}

impl Scan {
    fn new(s: &str) -> Self {
        let mut orig = Vec::with_capacity(s.len());
        let mut text = Vec::with_capacity(s.len());
        for c in s.chars() {
            orig.push(c);
            text.push(fold(c));
        }
        let mut starts: [Vec<usize>; 3] = std::array::from_fn(|_| Vec::with_capacity(16));
        let triggers: &[u64; 64] = &TRIGGERS;
        let mut prev = ' ';
        for (i, &c) in text.iter().enumerate() {
            if c.is_ascii_alphanumeric() {
                if c.is_ascii_digit() != prev.is_ascii_digit() || !prev.is_ascii_alphanumeric() {
                    starts[Starts::Alnum as usize].push(i);
                }
                if c.is_ascii_digit() && !prev.is_ascii_digit() {
                    starts[Starts::Digits as usize].push(i);
                }
            } else if !c.is_ascii_whitespace() && has_bit(triggers, c) {
                starts[Starts::Hits as usize].push(i);
            }
            prev = c;
        }
        Scan { orig, text, spans: Vec::new(), starts }
    }

    /// Calls `visit` at each of the positions `which`, left to right, but
    /// not before where the last call said to go on from.
    fn each(&mut self, which: Starts, mut visit: impl FnMut(&mut Scan, usize) -> usize) {
        let list = std::mem::take(&mut self.starts[which as usize]);
        let mut next = 0;
        for &i in &list {
            if i >= next {
                next = visit(self, i);
            }
        }
        self.starts[which as usize] = list;
    }

    fn len(&self) -> usize {
        self.text.len()
    }

    /// The folded character at `i`; `TAKEN` past either end or where
    /// something was already taken.
    fn at(&self, i: usize) -> char {
        self.text.get(i).copied().unwrap_or(TAKEN)
    }

    /// The character before `i` (`TAKEN` at the start).
    fn before(&self, i: usize) -> char {
        if i == 0 { TAKEN } else { self.at(i - 1) }
    }

    /// Whether the folded text at `i` reads `word` (given folded: lower
    /// case, half-width), none of it taken.
    fn reads(&self, i: usize, word: &str) -> bool {
        (i..).zip(word.chars()).all(|(j, w)| self.at(j) == w)
    }

    /// The longest of `words` read at `i`, as its length in characters
    /// (for short lists read in few places; see [`Scan::longest`]).
    fn reads_any(&self, i: usize, words: &[&str]) -> Option<usize> {
        words.iter().filter(|w| self.reads(i, w)).map(|w| w.chars().count()).max()
    }

    /// The longest of `words` read at `i`: its index in the list and its
    /// length.
    fn longest(&self, i: usize, words: &Words) -> Option<(usize, usize)> {
        let c = self.at(i);
        if !has_bit(&words.bits, c) {
            return None;
        }
        let from = words.firsts.partition_point(|&f| f < c);
        let mut best: Option<(usize, usize)> = None;
        for k in from..words.firsts.len() {
            if words.firsts[k] != c {
                break;
            }
            let (rest, index) = &words.rests[k];
            if rest.len() + 1 > best.map_or(0, |b| b.1)
                && rest.iter().enumerate().all(|(j, &x)| self.at(i + 1 + j) == x)
            {
                best = Some((*index, rest.len() + 1));
            }
        }
        best
    }

    /// Replaces `start..end` with `marker`; nothing in it may be taken.
    fn take(&mut self, start: usize, end: usize, marker: Marker) {
        debug_assert!(start < end && end <= self.len() && !self.text[start..end].contains(&TAKEN));
        self.protect(start, end);
        self.spans.push((start, end, marker));
    }

    /// Keeps `start..end` as it is, and hides it from what comes next.
    fn protect(&mut self, start: usize, end: usize) {
        self.text[start..end].fill(TAKEN);
    }

    /// Markers already in the text are kept as they are and read as
    /// nothing, so that what was scrubbed once is not scrubbed again.
    fn protect_markers(&mut self) {
        self.each(Starts::Hits, |s, i| {
            if s.orig[i] != '[' {
                return i + 1;
            }
            for m in Marker::ALL {
                let len = m.text().chars().count();
                if s.orig.len() >= i + len && m.text().chars().eq(s.orig[i..i + len].iter().copied()) {
                    s.protect(i, i + len);
                    return i + len;
                }
            }
            i + 1
        });
    }

    fn finish(mut self) -> Option<String> {
        if self.spans.is_empty() {
            return None;
        }
        self.spans.sort_unstable_by_key(|&(start, _, _)| start);
        let mut out = String::with_capacity(self.orig.len() * 3 + 8 * self.spans.len());
        let mut at = 0;
        for &(start, end, marker) in &self.spans {
            out.extend(&self.orig[at..start]);
            out.push_str(marker.text());
            at = end;
        }
        out.extend(&self.orig[at..]);
        Some(out)
    }
}

/// One character for one: full-width ASCII as half-width, the ideographic
/// space as a space, dashes as `-`, Latin capitals in lower case.
#[inline]
pub(super) fn fold(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\0'..='\u{7F}' | '\u{4E00}'..='\u{9FFF}' => c,
        '\u{FF01}'..='\u{FF5E}' => {
            let half = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            half.to_ascii_lowercase()
        }
        '\u{3000}' | '\u{00A0}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        '\u{FE6B}' => '@',
        TAKEN => '\u{FFFD}',
        c if c < '\u{2E80}' && c.is_uppercase() => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        }
        c => c,
    }
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// A Latin letter (folded, so lower case).
fn is_letter(c: char) -> bool {
    c.is_ascii_lowercase()
}

fn is_alnum(c: char) -> bool {
    is_digit(c) || is_letter(c)
}

/// A CJK ideograph (the unified blocks, extensions and compatibility
/// ideographs).
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

#[cfg(test)]
#[path = "scrub_tests.rs"]
mod tests;
