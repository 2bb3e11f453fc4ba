//! Bare numbers: mobile and landline numbers, ID-card and bank-card
//! numbers, long order numbers.
//!
//! A number is read as a chain of digit groups joined by separators (`138
//! 0013 8000`, `138-0013-8000`, `(021)1234 5678`, `+86 138…`), and in each
//! chain, from the left, the longest run of whole groups that is one of:
//!
//! - a mainland mobile number: 11 digits `1[3-9]…`, or with `86` / `0086`
//!   in front;
//! - an ID-card number: 18 digits (the last may be an `X`) or the old 15,
//!   whose birth date is a date (year 1900–2099, month 01–12, day 01–31).
//!   The check digit is not required: a mistyped number still points at a
//!   person, and the date is what keeps long order numbers out;
//! - a bank-card number: 13–19 digits passing Luhn's check, written whole
//!   or in groups of four (or Amex's 4-6-5);
//! - a landline: 10–12 digits with an area code `0[1-9]…` (its own group,
//!   or the number written whole), with an extension after `-`, `转`,
//!   `分机`, `ext`; or a `400`/`800` number of 10 digits;
//! - an order number: one run of 12 digits or more that is none of those
//!   (nor a product's barcode: 13 digits from `69`, its check digit right).
//!
//! So an amount (`1,299.00`), a date (`2026-11-03`), a time or a quantity
//! is never read as one: none has that many digits in those shapes.
//! Codes of letters and digits were seen before (`ids`): what is left of
//! them here is short (`iPhone15`, `A12`) and reads as nothing.

use super::{Marker, Scan, Starts, is_alnum, is_digit, is_letter};

/// What may stand between the digit groups of one number.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\t' | '-' | '.' | '(' | ')' | '+')
}

/// A number's digit groups (start, end) and whether an `x` follows the last.
pub(super) struct Chain {
    groups: Vec<(usize, usize)>,
    x: bool,
}

impl Chain {
    /// The chain whose first group starts at `i`, `None` when no digit is
    /// there. A letter ends it; an `x` right after the last group (and
    /// before no other letter or digit) may close an ID number.
    fn at(s: &Scan, i: usize) -> Option<Chain> {
        let mut groups = Vec::new();
        let mut x = false;
        let mut a = i;
        while is_digit(s.at(a)) {
            let mut b = a;
            while is_digit(s.at(b)) {
                b += 1;
            }
            groups.push((a, b));
            let next = s.at(b);
            if is_letter(next) {
                x = next == 'x' && !is_alnum(s.at(b + 1));
                break;
            }
            let mut c = b;
            while is_separator(s.at(c)) {
                c += 1;
            }
            if c == b {
                break;
            }
            a = c;
        }
        (!groups.is_empty()).then_some(Chain { groups, x })
    }

    fn end(&self) -> usize {
        self.groups.last().map_or(0, |g| g.1) + usize::from(self.x)
    }
}

/// Finds and takes the bare numbers.
pub(super) fn numbers(s: &mut Scan) {
    s.each(Starts::Digits, |s, i| {
        if is_digit(s.before(i)) {
            return i + 1;
        }
        let Some(chain) = Chain::at(s, i) else {
            return i + 1;
        };
        for (start, end, marker) in matches(s, &chain) {
            s.take(start, end, marker);
        }
        chain.end().max(i + 1)
    });
}

/// The personal numbers in a chain, greedily from the left, each the
/// longest run of groups that is one.
fn matches(s: &Scan, chain: &Chain) -> Vec<(usize, usize, Marker)> {
    let g = &chain.groups;
    let mut out = Vec::new();
    let mut k = 0;
    while k < g.len() {
        let mut buf = [0u8; 19];
        let mut n = 0;
        let mut best = None;
        for j in k..g.len() {
            let (a, b) = g[j];
            if j == k && b - a > 19 {
                best = Some((j, Marker::Order, false));
                break;
            }
            if n + (b - a) > 19 {
                break;
            }
            for p in a..b {
                buf[n] = s.at(p) as u8;
                n += 1;
            }
            let x = chain.x && j + 1 == g.len();
            if let Some((marker, with_x)) = classify(&buf[..n], &g[k..=j], x) {
                best = Some((j, marker, with_x));
            }
        }
        let Some((j, marker, with_x)) = best else {
            k += 1;
            continue;
        };
        let start = extend_back(s, g[k].0);
        let mut end = g[j].1 + usize::from(with_x);
        k = j + 1;
        if marker == Marker::Phone {
            if k < g.len() && g[k].0 == g[j].1 + 1 && s.at(g[j].1) == '-' && g[k].1 - g[k].0 <= 6 {
                end = g[k].1;
                k += 1;
            } else if k == g.len() {
                end = extension(s, end);
            }
        }
        out.push((start, end, marker));
    }
    out
}

/// A `+` or `(` just before a number belongs to it (`+86`, `(021)`).
fn extend_back(s: &Scan, mut start: usize) -> usize {
    for _ in 0..2 {
        if matches!(s.before(start), '+' | '(') {
            start -= 1;
        }
    }
    start
}

/// A landline's extension after `转`, `分机`, `ext`, `#`: up to six digits.
fn extension(s: &Scan, end: usize) -> usize {
    let Some(word) = s.reads_any(end, &["转", "分机", "ext.", "ext", "#"]) else {
        return end;
    };
    let mut p = end + word;
    while s.at(p) == ' ' {
        p += 1;
    }
    let digits = (p..).take_while(|&q| is_digit(s.at(q))).count();
    if (1..=6).contains(&digits) && !is_letter(s.at(p + digits)) { p + digits } else { end }
}

/// What the digits `d` of the groups `groups` are, and whether the closing
/// `x` is part of it.
fn classify(d: &[u8], groups: &[(usize, usize)], x: bool) -> Option<(Marker, bool)> {
    let n = d.len();
    if x && n == 17 && plausible_id(d) {
        return Some((Marker::IdCard, true));
    }
    if is_mobile(d) {
        return Some((Marker::Mobile, false));
    }
    if (n == 15 || n == 18) && plausible_id(d) {
        return Some((Marker::IdCard, false));
    }
    if n == 13 && d.starts_with(b"69") && ean13(d) {
        return None;
    }
    if (13..=19).contains(&n) && d[0] != b'0' && card_shape(groups) && luhn(d) {
        return Some((Marker::BankCard, false));
    }
    if is_landline(d, groups) {
        return Some((Marker::Phone, false));
    }
    (groups.len() == 1 && n >= 12).then_some((Marker::Order, false))
}

/// A mainland mobile number, with or without the country code.
pub(super) fn is_mobile(d: &[u8]) -> bool {
    match d {
        [b'1', b'3'..=b'9', rest @ ..] => rest.len() == 9 && rest.iter().all(u8::is_ascii_digit),
        [b'8', b'6', rest @ ..] if d.len() == 13 => is_mobile(rest),
        [b'0', b'0', b'8', b'6', rest @ ..] if d.len() == 15 => is_mobile(rest),
        _ => false,
    }
}

/// An ID number's shape: 18 (or 17 before an `X`) or 15 digits, a region
/// code not starting with 0, a birth date that is a date.
fn plausible_id(d: &[u8]) -> bool {
    let num = |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
    if d[0] == b'0' {
        return false;
    }
    let (year, month, day) = match d.len() {
        17 | 18 => (num(6..10), num(10..12), num(12..14)),
        15 => (1900 + num(6..8), num(8..10), num(10..12)),
        _ => return false,
    };
    (1900..=2099).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Card numbers are written whole, in fours (the last group shorter), or
/// as Amex's 4-6-5.
fn card_shape(groups: &[(usize, usize)]) -> bool {
    let lens: Vec<usize> = groups.iter().map(|(a, b)| b - a).collect();
    match lens.as_slice() {
        [_] | [4, 6, 5] | [4, 6, 4] => true,
        [init @ .., last] => init.iter().all(|&l| l == 4) && (1..=4).contains(last),
        [] => false,
    }
}

/// A Chinese product's barcode (EAN-13, GS1 prefix 690–699) has its own
/// check digit: a product's, not a person's, number.
fn ean13(d: &[u8]) -> bool {
    let sum: u32 = d[..12].iter().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 1 { 3 } else { 1 }).sum();
    (10 - sum % 10) % 10 == u32::from(d[12] - b'0')
}

/// Luhn's check, which every bank card's number passes.
fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let v = u32::from(b - b'0');
            if i % 2 == 1 { if v * 2 > 9 { v * 2 - 9 } else { v * 2 } } else { v }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A landline with its area code, or a 400/800 number.
fn is_landline(d: &[u8], groups: &[(usize, usize)]) -> bool {
    let n = d.len();
    if n == 10 && (d.starts_with(b"400") || d.starts_with(b"800")) {
        return true;
    }
    let area = groups[0].1 - groups[0].0;
    (10..=12).contains(&n) && d[0] == b'0' && d[1] != b'0' && (groups.len() == 1 || (3..=4).contains(&area))
}

/// The number written from `i` after a keyword (`电话`, `身份证`, `卡号`):
/// its span, with between `min` and `max` digits (an ID's `x` counted),
/// and its digits. A date (`2026-11-03`) is not one.
pub(super) fn number_after(s: &Scan, i: usize, min: usize, max: usize) -> Option<(usize, usize, Vec<u8>)> {
    let chain = Chain::at(s, i)?;
    let lens: Vec<usize> = chain.groups.iter().map(|(a, b)| b - a).collect();
    let year = |p: usize| matches!((s.at(p), s.at(p + 1)), ('1', '9') | ('2', '0'));
    if matches!(lens.as_slice(), [4, 1..=2, 1..=2] | [4, 1..=2]) && year(i) {
        return None;
    }
    let mut digits = Vec::new();
    let mut end = None;
    for (k, &(a, b)) in chain.groups.iter().enumerate() {
        let x = usize::from(chain.x && k + 1 == chain.groups.len());
        if digits.len() + (b - a) + x > max {
            break;
        }
        digits.extend((a..b + x).map(|p| s.at(p) as u8));
        end = Some(b + x);
    }
    let end = end.filter(|_| digits.len() >= min)?;
    Some((extend_back(s, i), end, digits))
}
