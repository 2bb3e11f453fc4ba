//! Links and e-mail addresses.
//!
//! - A link is scrubbed when it has more than a host: a path (`/item/123`,
//!   a short link's code), a query (`?id=…`) or a fragment. A bare
//!   `www.jd.com` or `https://www.taobao.com/` stays: it names a platform,
//!   not a person. Without `http(s)://` or `www.`, a host is read as one
//!   only with a common top-level domain (`v.douyin.com/…`, `m.tb.cn/…`).
//! - An e-mail address is `local@domain.tld`, `＠` too, spaces around the
//!   `@` allowed, also `local[at]domain` / `local(at)domain`, and `local at
//!   qq.com` for the common mail hosts (only those: "look at shop.com" is
//!   prose).

use super::{Marker, Scan, Starts, is_alnum, is_digit, is_letter};

/// Top-level domains a host without `http(s)://` or `www.` must end in.
const TLDS: &[&str] = &[
    "com", "cn", "net", "org", "tv", "io", "me", "cc", "top", "vip", "xyz", "shop", "info", "co", "hk", "tw", "jp",
    "app", "ly", "gl", "link", "site", "club", "store", "online", "tech", "live", "biz", "mobi",
];

/// Mail hosts an address written `name at host` is recognised with.
const MAIL_HOSTS: &[&str] = &[
    "qq.com",
    "vip.qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "139.com",
    "189.cn",
    "aliyun.com",
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    // Not written out: `live.` reads as a key of the catalog's `live` section.
    concat!("live", ".com"),
    "icloud.com",
    "yahoo.com",
    "msn.com",
];

fn is_host_char(c: char) -> bool {
    is_alnum(c) || c == '-' || c == '.'
}

/// What a link's path and query may contain (no spaces, no CJK, none of
/// the brackets and commas that end it in prose).
fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic()
        && !matches!(c, '<' | '>' | '"' | '[' | ']' | '{' | '}' | '|' | '\\' | '^' | '`' | '(' | ')' | ',')
}

/// Finds and takes the links that could carry an identifier.
pub(super) fn links(s: &mut Scan) {
    s.each(Starts::Alnum, |s, i| {
        // `http(s)://` may follow other letters or digits (`看0000https://…`).
        let mut run = i;
        while is_alnum(s.at(run)) {
            run += 1;
        }
        let scheme = match () {
            _ if !s.reads(run, "://") => None,
            _ if run >= i + 5 && s.reads(run - 5, "https") => Some(run - 5),
            _ if run >= i + 4 && s.reads(run - 4, "http") => Some(run - 4),
            _ => None,
        };
        let i = match scheme {
            Some(h) => h,
            // Inside a word: nothing starts before the word ends.
            None if !is_alnum(s.at(i)) || is_host_char(s.before(i)) || matches!(s.before(i), '@' | '/' | '_') => {
                return run.max(i + 1);
            }
            None => i,
        };
        let (end, scrub) = link_at(s, i);
        if scrub {
            s.take(i, end, Marker::Link);
        }
        end.max(i + 1)
    });
}

/// Where what starts at `i` ends, and whether it is a link to scrub.
fn link_at(s: &Scan, i: usize) -> (usize, bool) {
    let scheme = if s.at(i) == 'h' { s.reads_any(i, &["https://", "http://"]) } else { None };
    let host_start = i + scheme.unwrap_or(0);
    let www = s.reads(host_start, "www.");
    let mut p = host_start;
    while is_host_char(s.at(p)) || (scheme.is_some() && s.at(p) == '@') {
        p += 1;
    }
    while p > host_start && matches!(s.at(p - 1), '.' | '-') {
        p -= 1;
    }
    let dot = (host_start..p).rev().find(|&q| s.at(q) == '.');
    let known = dot.is_some_and(|d| TLDS.iter().any(|t| t.chars().eq((d + 1..p).map(|q| s.at(q)))));
    if p == host_start || !(scheme.is_some() || (www && p - host_start > 4) || known) {
        return (p, false);
    }
    if s.at(p) == ':' && is_digit(s.at(p + 1)) {
        p += 1;
        while is_digit(s.at(p)) {
            p += 1;
        }
    }
    if !matches!(s.at(p), '/' | '?' | '#') {
        return (p, false);
    }
    let rest = p;
    while is_url_char(s.at(p)) {
        p += 1;
    }
    while p > rest && matches!(s.at(p - 1), '.' | ';' | ':' | '!' | '?' | '\'') {
        p -= 1;
    }
    // A host with nothing after it but a slash names a site, not a page.
    let scrub = p > rest + 1 || (p == rest + 1 && s.at(rest) != '/');
    (p.max(rest + 1), scrub)
}

fn is_local_char(c: char) -> bool {
    is_alnum(c) || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// Finds and takes e-mail addresses.
pub(super) fn emails(s: &mut Scan) {
    let email = |s: &mut Scan, at: usize, len: usize, spelled: bool| match address_at(s, at, len, spelled) {
        Some((start, end)) => {
            s.take(start, end, Marker::Email);
            end
        }
        None => at + 1,
    };
    s.each(Starts::Hits, |s, i| match s.at(i) {
        '@' => email(s, i, 1, false),
        '[' | '(' if s.reads(i + 1, "at") && matches!(s.at(i + 3), ']' | ')') => email(s, i, 4, false),
        _ => i + 1,
    });
    s.each(
        Starts::Alnum,
        |s, i| if s.before(i) == ' ' && s.reads(i, "at ") { email(s, i - 1, 4, true) } else { i + 1 },
    );
}

/// The address around an `@` (or its spelling) at `at`, `len` long.
fn address_at(s: &Scan, at: usize, len: usize, spelled: bool) -> Option<(usize, usize)> {
    let mut start = at;
    if !spelled && s.before(start) == ' ' {
        start -= 1;
    }
    let local_end = start;
    while start > 0 && is_local_char(s.at(start - 1)) {
        start -= 1;
    }
    while start < local_end && s.at(start) == '.' {
        start += 1;
    }
    if !(start..local_end).any(|p| is_alnum(s.at(p))) {
        return None;
    }
    let mut p = at + len;
    if !spelled && s.at(p) == ' ' {
        p += 1;
    }
    let (end, host) = domain_at(s, p)?;
    (!spelled || MAIL_HOSTS.contains(&host.as_str())).then_some((start, end))
}

/// A domain at `p`: labels joined by `.`, `[dot]` or `(dot)`, ending in
/// letters; where it ends and the domain in plain spelling. A last label
/// running on into digits (`qq.com13800138000`) ends at its letters: the
/// digits are something else, and reading them as part of the domain
/// would lose the address once they are taken.
fn domain_at(s: &Scan, mut p: usize) -> Option<(usize, String)> {
    let mut host = String::new();
    let mut end = None;
    loop {
        let label = p;
        while is_alnum(s.at(p)) || s.at(p) == '-' {
            p += 1;
        }
        if p == label {
            break;
        }
        let letters = (label..p).take_while(|&q| is_letter(s.at(q))).count();
        let whole = letters == p - label;
        if letters >= 2 && !host.is_empty() && (whole || is_digit(s.at(label + letters))) {
            let mut tld = host.clone();
            tld.extend((label..label + letters).map(|q| s.at(q)));
            end = Some((label + letters, tld));
            if !whole {
                break;
            }
        }
        host.extend((label..p).map(|q| s.at(q)));
        let dot = if s.at(p) == '.' { 1 } else { s.reads_any(p, &["[dot]", "(dot)"]).unwrap_or(0) };
        if dot == 0 || !is_alnum(s.at(p + dot)) {
            break;
        }
        host.push('.');
        p += dot;
    }
    end
}
