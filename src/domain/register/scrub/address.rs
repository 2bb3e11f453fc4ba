//! Street addresses, below the district: what follows `上海市浦东新区` goes
//! (`上海市浦东新区[地址]`), the province, city, district or county stays.
//!
//! An address is found by its parts' last characters: a road (`路`, `街`,
//! `大道`, `巷`, `弄`, `胡同`), a town, village or estate (`镇`, `乡`,
//! `村`, `街道`, `小区`, `公寓`, `苑` …), a building (`大厦`, `花园`,
//! `广场` …), and numbered units (`88号`, `5栋`, `2单元`, `301室`, `B座`,
//! `12-3-501`). The name before a road or place is the run of Chinese
//! characters back to the district (`区`, `县`, `市` …), to punctuation, or
//! to a word that is not part of names (`住在`, `寄到`, `的` …), at most
//! six.
//!
//! Roads and buildings are named in prose too (`套路`, `万达广场`), so one
//! counts only with a number after it (`中山路88号`) or after a district or
//! a word for an address (`浦东新区张江路`, `地址：…`, `寄到…`). Towns,
//! villages and estates count when named (two characters or more), less
//! the common words (`农村`, `乡镇`, `小镇` …). From there the address runs
//! on over the parts that follow. Numbered units without a road count when
//! there are two (`5栋2单元`) or the one is a room, entrance or building
//! number (`301室`, `3单元`, `8号楼`); a lone `3楼` or `5号` (a floor, a
//! date) stays, and a number after `月` is a date.

use super::lists::{Words, lazy};
use super::{LazyLock, Marker, Scan, Starts, is_cjk, is_digit, is_letter};

const ROADS: &[&str] = &["大街", "大道", "胡同", "路", "街", "道", "巷", "弄"];
const PLACES: &[&str] = &["小区", "公寓", "家园", "新村", "街道", "村", "镇", "乡", "屯", "苑"];
const BUILDINGS: &[&str] = &["花园", "大厦", "广场", "社区", "中心", "工业园", "山庄", "公馆", "商城"];
const UNITS: &[&str] =
    &["号楼", "号院", "单元", "栋", "幢", "座", "号", "层", "楼", "室", "房", "户", "组", "区", "段"];
/// Units that make an address on their own.
const STRONG_UNITS: &[&str] = &["号楼", "号院", "单元", "幢", "室"];

/// Where a district or a larger division ends: the name of what is below
/// it starts after.
const ADMIN: &str = "省市区县州";

/// Characters that are not part of a road's or a place's name.
const STOP: &str = "的了在到是于往从住寄送发和与及或我你他她它们说去来把被给向至自就都也还又再很不没有要想让请您其此该每各个这那址收货件近旁边";

/// Words for an address, after which a road's name needs no number.
const ADDRESS_WORDS: &[&str] = &[
    "地址", "住址", "住在", "家住", "家在", "寄到", "送到", "发到", "寄往", "寄回", "送至", "寄至", "位于", "住",
    "地点",
];

/// Common words ending like an address part.
const COMMON: &[&str] = &[
    "农村",
    "乡村",
    "山村",
    "渔村",
    "城镇",
    "乡镇",
    "小镇",
    "古镇",
    "城乡",
    "家乡",
    "老乡",
    "下乡",
    "故乡",
    "回乡",
    "马路",
    "公路",
    "道路",
    "线路",
    "套路",
    "思路",
    "出路",
    "走路",
    "一路",
    "网路",
    "电路",
    "退路",
    "销路",
    "铁路",
    "水路",
    "陆路",
    "近路",
    "弯路",
    "小路",
    "大路",
    "上路",
    "迷路",
    "带路",
    "活路",
    "门路",
    "来路",
    "后路",
    "半路",
    "短路",
    "回路",
    "逛街",
    "上街",
    "景德镇",
];

lazy!(STOPS: CharSet = STOP);
lazy!(ADMINS: CharSet = ADMIN);
lazy!(NUMERALS: CharSet = "一二三四五六七八九十百零〇两");
lazy!(UNIT_WORDS: Words = UNITS);
pub(super) static SUFFIXES: LazyLock<Words> =
    LazyLock::new(|| Words::new(PLACES.iter().chain(ROADS).chain(BUILDINGS).copied()));

fn is_name_char(c: char) -> bool {
    is_cjk(c) && !STOPS.has(c) && !ADMINS.has(c)
}

/// The longest road, place or building suffix at `i`: its length, and
/// whether it is a place (named, it needs nothing more).
fn suffix_at(s: &Scan, i: usize) -> Option<(usize, bool)> {
    s.longest(i, &SUFFIXES).map(|(k, len)| (len, k < PLACES.len()))
}

/// Finds and takes addresses.
pub(super) fn addresses(s: &mut Scan) {
    s.each(Starts::Hits, |s, i| match anchored(s, i) {
        Some((start, end)) => {
            s.take(start, end, Marker::Address);
            end
        }
        None => i + 1,
    });
    s.each(Starts::Alnum, |s, i| {
        let c = s.at(i);
        if !(is_digit(c) || is_letter(c)) || is_digit(s.before(i)) || is_letter(s.before(i)) || s.before(i) == '月' {
            return i + 1;
        }
        match units(s, i) {
            Some(end) => {
                s.take(i, end, Marker::Address);
                end
            }
            None => i + 1,
        }
    });
}

/// An address whose road or place suffix is at `i`: from its name's start
/// to the end of the last part after it.
fn anchored(s: &Scan, i: usize) -> Option<(usize, usize)> {
    let (len, place) = suffix_at(s, i)?;
    let mut start = i;
    while start > 0 && i - start < 6 && is_name_char(s.at(start - 1)) {
        start -= 1;
    }
    let end = i + len;
    if i - start < 2 || COMMON.iter().any(|w| ends_with(s, end, w)) {
        return None;
    }
    let next = if s.at(end) == ' ' { end + 1 } else { end };
    let confirmed = place || ADMINS.has(s.before(start)) || after_address_word(s, start) || unit_at(s, next).is_some();
    confirmed.then(|| (start, rest(s, end)))
}

/// Whether the text ending at `end` reads `word`.
fn ends_with(s: &Scan, end: usize, word: &str) -> bool {
    let n = word.chars().count();
    end >= n && s.reads(end - n, word)
}

fn after_address_word(s: &Scan, mut start: usize) -> bool {
    for _ in 0..2 {
        if matches!(s.before(start), ' ' | ':' | '是') {
            start -= 1;
        }
    }
    ADDRESS_WORDS.iter().any(|w| ends_with(s, start, w))
}

/// Where the parts after an address's first end.
fn rest(s: &Scan, mut end: usize) -> usize {
    loop {
        let q = if s.at(end) == ' ' { end + 1 } else { end };
        if let Some((e, _, _)) = unit_at(s, q) {
            end = e;
        } else if "东西南北中".contains(s.at(q)) && s.at(q + 1) == '段' {
            // A section of a road: `天府大道北段1700号`.
            end = q + 2;
        } else if let Some((len, _)) = suffix_at(s, q) {
            end = q + len;
        } else if let Some(e) = named_at(s, q) {
            end = e;
        } else {
            return end;
        }
    }
}

/// A named part at `q`: a name of one to six characters and a road,
/// place or building suffix (`青口村`, `阳光小区`).
fn named_at(s: &Scan, q: usize) -> Option<usize> {
    (1..=6).take_while(|&k| is_name_char(s.at(q + k - 1))).find_map(|k| suffix_at(s, q + k).map(|(len, _)| q + k + len))
}

/// Numbered units without a road from `i`: two or more, or a strong one.
fn units(s: &Scan, i: usize) -> Option<usize> {
    let (mut end, strong, suffixed) = unit_at(s, i)?;
    if !suffixed {
        return None;
    }
    let mut parts = 1;
    loop {
        let q = if s.at(end) == ' ' { end + 1 } else { end };
        match unit_at(s, q) {
            Some((e, _, _)) => {
                end = e;
                parts += 1;
            }
            None => break,
        }
    }
    (parts >= 2 || strong).then_some(end)
}

/// A numbered unit at `q`: its end, whether it is strong and whether it
/// has a unit word. A bare number counts only before something that is
/// not Chinese (`5栋301，`), never before a word (`2026年`).
fn unit_at(s: &Scan, q: usize) -> Option<(usize, bool, bool)> {
    let mut p = q;
    let letter = is_letter(s.at(p)) && !is_letter(s.at(p + 1)) && !is_letter(s.before(p));
    if letter {
        p += 1;
    }
    let digits_start = p;
    while is_digit(s.at(p)) || (s.at(p) == '-' && p > digits_start && is_digit(s.at(p - 1)) && is_digit(s.at(p + 1))) {
        p += 1;
    }
    let digits = p > digits_start;
    if !digits && !letter {
        while p - q < 4 && NUMERALS.has(s.at(p)) {
            p += 1;
        }
    }
    if p == q {
        return None;
    }
    if s.at(p) == '#' && (digits || letter) {
        return Some((p + 1, false, true));
    }
    if s.at(p) == ' ' && digits && s.longest(p + 1, &UNIT_WORDS).is_some() {
        p += 1;
    }
    if let Some((_, len)) = s.longest(p, &UNIT_WORDS) {
        let strong = STRONG_UNITS.iter().any(|u| s.reads(p, u) && u.chars().count() == len);
        return Some((p + len, strong, true));
    }
    (digits && !is_cjk(s.at(p)) && !is_letter(s.at(p))).then_some((p, false, false))
}
