//! Names: those known to belong to people in the case, and those written
//! after a word for the merchant's staff.
//!
//! A known Chinese name is found with any spaces or `·` between its
//! characters (`张 伟`), and by its surname with a form of address: `张先生`,
//! `张女士`, `张经理` … become `[姓名]先生` (the form of address says
//! nothing about who), `小张` and `老张` become `[姓名]`. Not after a
//! numeral or a measure word (`一张先生…` is a sheet of something). A
//! given name alone is not looked for: `建国`, `国庆` and the like are
//! words too.
//!
//! A known Latin name is found as its words in any order, any case, with
//! spaces, hyphens, dots or commas between (`Li Wei`, `WEI LI`,
//! `Wei-Li`), or written as one word (`LiWei`, `weili`); one of its words
//! after `Mr`, `Ms`, `Mrs`, `Miss` or `Dr` too (`Mr. [姓名]`).
//!
//! A name nobody gave is taken only after a word for the merchant's staff
//! (`客服`, `售后`, `店员`, `主播`, `经理`, `快递员` …) or one that
//! introduces a name (`我叫`, `姓名`, `收件人` …), and only when it
//! reads as one: `小`/`老` and a common surname (`客服小王`), or a common
//! surname and one or two characters that are not the words that usually
//! follow (`客服王芳说` → `客服[姓名]说`, but `客服说`, `客服不理我`,
//! `客服马上回复`, `售后方面` stay). It cannot be perfect without a
//! dictionary: a rare surname goes unseen, and a surname followed by an
//! uncommon word (`客服高冷`) may be taken for a name.

use super::lists::{Words, lazy};
use super::{LazyLock, Marker, Scan, Starts, fold, is_cjk};

/// A letter of a Latin (or Greek, Cyrillic …) name: `é` too.
fn is_letter(c: char) -> bool {
    c.is_ascii_lowercase() || (('\u{80}'..'\u{2E80}').contains(&c) && c.is_alphabetic())
}

pub(super) static ROLE_WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(ROLES.iter().copied()));
lazy!(SURNAME_CHARS: CharSet = SURNAMES);
lazy!(STOPS: CharSet = STOP);
lazy!(COMPOUNDS: Words = COMPOUND);
lazy!(SURNAME_WORDS: Words = WORDS);

/// Characters that may stand inside a name as written.
fn is_gap(c: char) -> bool {
    c.is_whitespace() || matches!(c, '·' | '•' | '・' | '.' | '-' | '_' | ',')
}

/// Finds and takes the names given.
pub(super) fn known(s: &mut Scan, names: &[&str]) {
    for name in names {
        let chars: Vec<char> = name.chars().map(fold).filter(|&c| !is_gap(c)).collect();
        if chars.len() < 2 {
            continue;
        }
        if chars.iter().any(|&c| is_cjk(c)) {
            chinese(s, &chars);
        } else {
            let words: Vec<Vec<char>> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| w.chars().map(fold).collect())
                .collect();
            latin(s, &words);
        }
    }
}

fn chinese(s: &mut Scan, name: &[char]) {
    let mut i = 0;
    while let Some(k) = s.text[i..].iter().position(|&c| c == name[0]) {
        i += k;
        match spaced(s, i, name) {
            Some(end) => {
                s.take(i, end, Marker::Name);
                i = end;
            }
            None => i += 1,
        }
    }
    let surname_len = if COMPOUND.iter().any(|c| c.chars().eq(name.iter().take(2).copied())) {
        2
    } else if SURNAME_CHARS.has(name[0]) {
        1
    } else {
        return;
    };
    if name.len() <= surname_len {
        return;
    }
    let surname = &name[..surname_len];
    let mut i = 0;
    while let Some(k) = s.text[i..].iter().position(|&c| c == name[0]) {
        i += k;
        if !surname.iter().enumerate().all(|(k, &c)| s.at(i + k) == c) {
            i += 1;
            continue;
        }
        let end = i + surname_len;
        if matches!(s.before(i), '小' | '老') {
            s.take(i - 1, end, Marker::Name);
        } else if !"一二三四五六七八九十两几每这那半整".contains(s.before(i)) && s.reads_any(end, HONORIFICS).is_some()
        {
            s.take(i, end, Marker::Name);
        }
        i = end;
    }
}

/// Forms of address after a surname.
const HONORIFICS: &[&str] = &[
    "先生", "女士", "小姐", "太太", "经理", "老师", "师傅", "老板", "阿姨", "主管", "店长", "同学", "总监", "大哥",
    "大姐",
];

/// `name` at `i`, with gaps allowed between its characters.
fn spaced(s: &Scan, i: usize, name: &[char]) -> Option<usize> {
    let mut j = i;
    for (k, &c) in name.iter().enumerate() {
        if k > 0 {
            for _ in 0..2 {
                if matches!(s.at(j), ' ' | '\t' | '·' | '•' | '・') {
                    j += 1;
                }
            }
        }
        if s.at(j) != c {
            return None;
        }
        j += 1;
    }
    Some(j)
}

fn latin(s: &mut Scan, words: &[Vec<char>]) {
    let joined: Vec<char> = words.concat();
    let reversed: Vec<char> = words.iter().rev().flatten().copied().collect();
    let visit = |s: &mut Scan, i: usize| {
        if !is_letter(s.at(i)) || is_letter(s.before(i)) {
            return i + 1;
        }
        let word = word_at(s, i);
        let end = if word == joined || word == reversed { Some(i + word.len()) } else { words_at(s, i, words) };
        if let Some(end) = end {
            s.take(i, end, Marker::Name);
            return end;
        }
        let title =
            matches!(word.as_slice(), ['m', 'r'] | ['m', 's'] | ['m', 'r', 's'] | ['m', 'i', 's', 's'] | ['d', 'r']);
        if words.len() > 1 && title {
            let mut p = i + word.len();
            if s.at(p) == '.' {
                p += 1;
            }
            if s.at(p) == ' ' {
                p += 1;
                let next = word_at(s, p);
                if !next.is_empty() && words.contains(&next) {
                    s.take(p, p + next.len(), Marker::Name);
                    return p + next.len();
                }
            }
        }
        i + word.len().max(1)
    };
    if joined.iter().all(char::is_ascii) {
        // An ASCII word starts where a run of ASCII letters and digits does.
        s.each(Starts::Alnum, visit);
    } else {
        let mut i = 0;
        while i < s.len() {
            i = visit(s, i);
        }
    }
}

/// The Latin word (letters) at `i`.
fn word_at(s: &Scan, i: usize) -> Vec<char> {
    (i..).map(|p| s.at(p)).take_while(|&c| is_letter(c)).collect()
}

/// All of `words`, in any order, from `i`, with separators between.
fn words_at(s: &Scan, i: usize, words: &[Vec<char>]) -> Option<usize> {
    let mut left: Vec<&Vec<char>> = words.iter().collect();
    let mut p = i;
    loop {
        let word = word_at(s, p);
        let k = left.iter().position(|w| **w == word)?;
        left.swap_remove(k);
        p += word.len();
        if left.is_empty() {
            return (!is_letter(s.at(p))).then_some(p);
        }
        let gap = p;
        while p - gap < 3 && matches!(s.at(p), ' ' | '-' | '.' | ',' | '·' | '_') {
            p += 1;
        }
        if p == gap {
            return None;
        }
    }
}

/// Words for the merchant's staff a name may follow.
const ROLES: &[&str] = &[
    "客服",
    "客服专员",
    "客服人员",
    "客服经理",
    "客服主管",
    "售后",
    "售后专员",
    "售后人员",
    "店员",
    "店长",
    "业务员",
    "销售员",
    "销售",
    "导购",
    "主播",
    "副播",
    "助播",
    "经理",
    "主管",
    "快递员",
    "快递小哥",
    "配送员",
    "骑手",
    "工作人员",
    "专员",
    "老板娘",
    "老板",
    "掌柜",
    "小二",
    "安装师傅",
    "维修师傅",
    "收货人",
    "收件人",
    "寄件人",
    "签收人",
    "联系人",
    "姓名",
    "我叫",
    "本人",
];

/// Common single-character surnames (the hundred or so most common, less
/// those that are mostly function words: 于, 万, 向, 安, 包 …).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤";

const COMPOUND: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "慕容", "令狐", "皇甫", "尉迟", "长孙", "宇文", "司徒", "夏侯", "端木",
    "公孙", "轩辕",
];

/// What starts the words after a name (verbs of saying and doing,
/// particles, pronouns, numerals): never part of the name.
const STOP: &str = "说讲称告回答复表让叫跟和与同给也又就还都却才的了着过在把被对向不没无是很太非已再要会能可将等们态直拒承推处帮发打加联问骗骂挂删拉当每竟居始总根完反只从前后先最今昨那这此其该个您你我他她它上下里一两几第多少啊呀吧呢吗嘛哦哈确认";

/// Words that start with a surname.
const WORDS: &[&str] = &[
    "马上", "马虎", "马路", "高兴", "高冷", "高速", "高价", "高档", "高达", "高度", "高级", "高端", "高额", "黄金",
    "黄牛", "黄色", "金额", "金钱", "金币", "周末", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周期",
    "周围", "周到", "周边", "周转", "白天", "白白", "白色", "石头", "许多", "许久", "许可", "何时", "何况", "何必",
    "何种", "何处", "何等", "胡说", "胡乱", "胡扯", "孙子", "谢谢", "谢绝", "韩国", "曾经", "董事", "余额", "余下",
    "杜绝", "叶子", "程序", "程度", "任何", "任务", "任意", "任由", "任凭", "陆续", "范围", "夏天", "夏季", "付款",
    "付钱", "付费", "付出", "方面", "方式", "方法", "方便", "方案", "方才", "方向", "严重", "严格", "严肃", "温度",
    "颜色", "江湖", "龙头", "黎明", "顾客", "顾及", "顾虑", "毛病", "毛钱", "毛衣", "莫名", "罗列", "苏醒", "钱款",
    "钱包", "雷人", "史上", "唐突", "钟头", "钟点", "丁点", "张口", "张嘴", "陈述", "郑重", "武断", "段时", "段落",
    "肖像", "林林", "王者", "王牌", "韩版", "白菜", "金牌", "高手", "熊猫", "龙虾", "毛巾", "陶瓷", "顾问", "江南",
    "马桶", "钟表", "武器", "石材", "金色", "田园", "雷同", "段子",
];

/// Finds and takes names after a word for the merchant's staff.
pub(super) fn staff(s: &mut Scan) {
    s.each(Starts::Hits, |s, i| {
        let Some((_, len)) = s.longest(i, &ROLE_WORDS) else {
            return i + 1;
        };
        let mut p = i + len;
        if matches!(s.at(p), ' ' | ':') {
            p += 1;
        }
        match name_at(s, p) {
            Some(end) => {
                s.take(p, end, Marker::Name);
                end
            }
            None => p,
        }
    });
}

/// A plausible name at `p`: `小王`, `老李`, `王芳`, `欧阳娜娜`.
fn name_at(s: &Scan, p: usize) -> Option<usize> {
    let given = |c: char| is_cjk(c) && !STOPS.has(c);
    if matches!(s.at(p), '小' | '老') && SURNAME_CHARS.has(s.at(p + 1)) {
        return Some(p + 2);
    }
    let surname = if s.longest(p, &COMPOUNDS).is_some() {
        2
    } else if SURNAME_CHARS.has(s.at(p)) {
        1
    } else {
        return None;
    };
    let first = s.at(p + surname);
    // All of `WORDS` are two characters: one read here is the surname's
    // last character and the next.
    if !given(first) || s.longest(p + surname - 1, &SURNAME_WORDS).is_some() {
        return None;
    }
    Some(if given(s.at(p + surname + 1)) { p + surname + 2 } else { p + surname + 1 })
}
