//! The identifiers people write after a word that says what they are
//! (`订单号：`, `运单号`, `微信`, `QQ`, `电话`, `身份证`, `卡号`), or in the
//! shapes platforms and couriers give them.
//!
//! - After a keyword, the identifier may follow a `：`, `是`, `为`, `#` or
//!   spaces. A keyword in Latin letters is a word of its own (`vx`, not the
//!   `vx` in a longer word).
//! - A code of letters and digits without a keyword: a courier's prefix
//!   (`SF`, `YT`, `ZTO`, `JD`, `JT` …) with 10 digits or more is a tracking
//!   number, as is the postal `EA123456789CN`; any other code with a run
//!   of 10 digits or more is an order number (`DY4829301756`); `wxid_…` is
//!   a WeChat id. Short model numbers (`iPhone15`, `A12`, `RTX4090`) stay,
//!   and so does a Redress reference (`TS20261120000123`), public anyway.

use super::digits::{is_mobile, number_after};
use super::lists::Words;
use super::{LazyLock, Marker, Scan, Starts, is_alnum, is_digit, is_letter};

/// What a keyword says follows it.
#[derive(Clone, Copy, PartialEq)]
enum Key {
    /// A word that often comes before an order number but not only
    /// (`订单`, `order`): the number must look like one.
    OrderLoose,
    Order,
    Tracking,
    Wechat,
    Qq,
    Phone,
    IdCard,
    Card,
}

const KEYS: &[(&str, Key)] = &[
    ("订单号码", Key::Order),
    ("订单编号", Key::Order),
    ("订单编码", Key::Order),
    ("订单号", Key::Order),
    ("订单id", Key::Order),
    ("订单", Key::OrderLoose),
    ("单号", Key::Order),
    ("order number", Key::Order),
    ("order no.", Key::Order),
    ("order no", Key::Order),
    ("order id", Key::Order),
    ("order #", Key::Order),
    ("order", Key::OrderLoose),
    ("快递单号", Key::Tracking),
    ("物流单号", Key::Tracking),
    ("运单号码", Key::Tracking),
    ("运单编号", Key::Tracking),
    ("运单号", Key::Tracking),
    ("快递号", Key::Tracking),
    ("物流号", Key::Tracking),
    ("运单", Key::Tracking),
    ("tracking number", Key::Tracking),
    ("tracking no.", Key::Tracking),
    ("tracking no", Key::Tracking),
    ("tracking", Key::Tracking),
    ("waybill", Key::Tracking),
    ("顺丰", Key::Tracking),
    ("中通", Key::Tracking),
    ("圆通", Key::Tracking),
    ("申通", Key::Tracking),
    ("韵达", Key::Tracking),
    ("极兔", Key::Tracking),
    ("百世", Key::Tracking),
    ("德邦", Key::Tracking),
    ("邮政", Key::Tracking),
    ("ems", Key::Tracking),
    ("微信号", Key::Wechat),
    ("微信", Key::Wechat),
    ("薇信", Key::Wechat),
    ("威信", Key::Wechat),
    ("v信", Key::Wechat),
    ("vx号", Key::Wechat),
    ("vx", Key::Wechat),
    ("wx号", Key::Wechat),
    ("wx", Key::Wechat),
    ("wechat id", Key::Wechat),
    ("wechat", Key::Wechat),
    ("加微", Key::Wechat),
    ("qq号码", Key::Qq),
    ("qq号", Key::Qq),
    ("qq群号", Key::Qq),
    ("qq群", Key::Qq),
    ("qq", Key::Qq),
    ("扣扣号", Key::Qq),
    ("扣扣", Key::Qq),
    ("手机号码", Key::Phone),
    ("手机号", Key::Phone),
    ("手机", Key::Phone),
    ("电话号码", Key::Phone),
    ("电话", Key::Phone),
    ("联系方式", Key::Phone),
    ("座机", Key::Phone),
    ("固话", Key::Phone),
    ("tel", Key::Phone),
    ("phone", Key::Phone),
    ("mobile", Key::Phone),
    ("身份证号码", Key::IdCard),
    ("身份证号", Key::IdCard),
    ("身份证", Key::IdCard),
    ("证件号码", Key::IdCard),
    ("证件号", Key::IdCard),
    ("银行卡号", Key::Card),
    ("银行卡", Key::Card),
    ("卡号", Key::Card),
];

pub(super) static KEY_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(KEYS.iter().map(|(w, _)| *w)));

/// Finds and takes what keywords introduce.
pub(super) fn keyed(s: &mut Scan) {
    s.each(Starts::Hits, keyed_at);
    s.each(Starts::Alnum, keyed_at);
}

/// What the keyword at `i` introduces, if one is there; where to go on.
fn keyed_at(s: &mut Scan, i: usize) -> usize {
    let c = s.at(i);
    if is_letter(c) && is_letter(s.before(i)) {
        return i + 1;
    }
    let Some((k, len)) = s.longest(i, &KEY_WORDS) else {
        return i + 1;
    };
    let (word, key) = KEYS[k];
    let mut p = i + len;
    if word.chars().last().is_some_and(is_letter) && is_letter(s.at(p)) {
        return i + 1;
    }
    if key == Key::Tracking {
        p += s.reads_any(p, &["快递", "速递", "速运", "快运", "物流"]).unwrap_or(0);
    }
    for _ in 0..4 {
        if matches!(s.at(p), ' ' | ':' | '#' | '=' | '是' | '为' | '\t') {
            p += 1;
        }
    }
    match value_after(s, p, key) {
        Some((start, end, marker)) => {
            s.take(start, end, marker);
            end
        }
        None => i + 1,
    }
}

/// The identifier a keyword of kind `key` introduces, at `p`.
fn value_after(s: &Scan, p: usize, key: Key) -> Option<(usize, usize, Marker)> {
    // A WeChat id that is a phone number, however it is spaced.
    if key == Key::Wechat
        && let Some((a, b, _)) = number_after(s, p, 5, 15)
        && !is_letter(s.at(b))
    {
        return Some((a, b, Marker::Wechat));
    }
    match key {
        Key::Phone => {
            let (start, end, d) = number_after(s, p, 7, 15)?;
            Some((start, end, if is_mobile(&d) || d[0] == b'1' { Marker::Mobile } else { Marker::Phone }))
        }
        Key::IdCard => number_after(s, p, 14, 18).map(|(a, b, _)| (a, b, Marker::IdCard)),
        Key::Card => number_after(s, p, 12, 19).map(|(a, b, _)| (a, b, Marker::BankCard)),
        Key::Qq => number_after(s, p, 5, 15).filter(|(_, _, d)| d[0] != b'0').map(|(a, b, _)| (a, b, Marker::Qq)),
        Key::Order | Key::OrderLoose | Key::Tracking | Key::Wechat => {
            let word = |c: char| is_alnum(c) || c == '_' || c == '-';
            let mut end = p;
            while word(s.at(end)) {
                end += 1;
            }
            let hyphen = (p..end).any(|q| s.at(q) == '-');
            while end > p && matches!(s.at(end - 1), '-' | '_') {
                end -= 1;
            }
            let len = end - p;
            let digits = (p..end).filter(|&q| is_digit(s.at(q))).count();
            let ok = match key {
                Key::Wechat => len >= 6 || (len == 5 && digits > 0),
                Key::OrderLoose => len >= 8 && digits >= 6 && !hyphen,
                _ => len >= 5 && digits >= 4,
            };
            let token: String = (p..end).map(|q| s.at(q)).collect();
            let marker = match key {
                Key::Wechat => Marker::Wechat,
                Key::Tracking => Marker::Tracking,
                _ if code(&token) == Some(Marker::Tracking) => Marker::Tracking,
                _ => Marker::Order,
            };
            (ok && len <= 64).then_some((p, end, marker))
        }
    }
}

/// Couriers' prefixes of tracking numbers.
const COURIERS: &[&str] =
    &["sf", "yt", "yto", "zto", "zt", "sto", "jt", "jd", "jdv", "jdva", "jdx", "yd", "ems", "dpk", "db", "ky", "best"];

/// Finds and takes codes of letters and digits that are tracking numbers,
/// order numbers or WeChat ids.
pub(super) fn tokens(s: &mut Scan) {
    s.each(Starts::Alnum, |s, i| {
        if !is_alnum(s.at(i)) || is_alnum(s.before(i)) {
            return i + 1;
        }
        let mut end = i;
        while is_alnum(s.at(end)) {
            end += 1;
        }
        if s.reads(i, "wxid_") {
            let mut e = i + 5;
            while is_alnum(s.at(e)) || s.at(e) == '_' {
                e += 1;
            }
            if e > i + 5 {
                s.take(i, e, Marker::Wechat);
            }
            return e;
        }
        let mixed = (i..end).any(|q| is_letter(s.at(q))) && (i..end).any(|q| is_digit(s.at(q)));
        if !mixed {
            return end;
        }
        let token: String = (i..end).map(|q| s.at(q)).collect();
        match code(&token) {
            Some(marker) => s.take(i, end, marker),
            // A Redress reference is public: the numbers must not read it.
            None if is_reference(&token) => s.protect(i, end),
            None => {}
        }
        end
    });
}

/// `TS` and the digits of a Redress complaint's reference.
fn is_reference(token: &str) -> bool {
    token.strip_prefix("ts").is_some_and(|d| (14..=24).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// What a code of letters and digits is, if it is personal.
fn code(token: &str) -> Option<Marker> {
    let b = token.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_lowercase()).count();
    let digits = b[letters..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !b.iter().any(u8::is_ascii_lowercase) || !b.iter().any(u8::is_ascii_digit) {
        return None;
    }
    // Left to the numbers: an ID number's closing X.
    if b[..b.len() - 1].iter().all(u8::is_ascii_digit) && b[b.len() - 1] == b'x' {
        return None;
    }
    if is_reference(token) {
        return None;
    }
    let rest = b.len() - letters - digits;
    if letters + digits == b.len() && digits >= 10 && COURIERS.contains(&&token[..letters]) {
        return Some(Marker::Tracking);
    }
    if letters == 2 && digits == 9 && rest == 2 && b[11..].iter().all(u8::is_ascii_lowercase) {
        return Some(Marker::Tracking);
    }
    let longest = token.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    (longest >= 10).then_some(Marker::Order)
}
