//! Plain-text mail wrapped for reading: prose at about 76 columns (a
//! Chinese character is two), broken at spaces or between Chinese
//! characters, never inside a link or a word, nor between a number and
//! the character it counts ("11月"). A link that does not fit on what is
//! left of a line starts a new one, whole: a mail reader that breaks
//! `https://…/t/TOKEN` across two lines makes a link that does not open.
//!
//! The text is `format=flowed; delsp=yes` (RFC 3676): each break we make
//! ends its line with a space, which a reader that knows the format takes
//! out as it joins the lines to fit its own screen (a phone's is narrower
//! than 76); any other reader shows the lines as wrapped. So our own
//! lines carry no trailing space, and one that starts with a space, `>`
//! or `From ` gets a space in front ([`stuff`]).

/// Where text is wrapped.
pub const COLUMNS: usize = 76;

/// The MIME type of a text so made.
pub const CONTENT_TYPE: &str = "text/plain; charset=utf-8; format=flowed; delsp=yes";

/// `text` wrapped at `columns`, each of its own lines apart: the breaks it
/// adds end their line with a space.
pub fn wrap(text: &str, columns: usize) -> String {
    text.lines().map(|line| wrap_line(line.trim_end(), columns)).collect::<Vec<_>>().join("\n")
}

/// Every line of a whole text that a flowed reader would take for quoted
/// or stuffed (a space, `>` or `From ` first) with a space in front.
pub fn stuff(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| if l.starts_with([' ', '>']) || l.starts_with("From ") { format!(" {l}") } else { l.to_owned() })
        .collect();
    lines.join("\n")
}

/// The text as a reader that knows `format=flowed; delsp=yes` shows it:
/// stuffing taken off, each line that ends in a space joined to the next
/// without that space (the signature line `-- ` excepted).
pub fn unflow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.replace("\r\n", "\n").split('\n') {
        let line = line.strip_prefix(' ').unwrap_or(line);
        match line.strip_suffix(' ') {
            Some(joined) if line != "-- " => out.push_str(joined),
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.pop();
    out
}

/// The columns a character takes in a fixed-width font: two for the wide
/// scripts (Chinese, Japanese, Korean, full-width forms), else one.
fn width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

fn text_width(s: &str) -> usize {
    s.chars().map(width).sum()
}

/// Punctuation that must not begin a line: it stays with what it follows.
fn closes(c: char) -> bool {
    "，。、；：？！）》」』】〉…·,.;:!?)]}%".contains(c)
}

/// A piece of a line that is never broken: a link, a word of Latin letters
/// and digits, or one Chinese character, each with the punctuation after
/// it and glued to a neighbour across a letter-or-digit-to-Chinese seam;
/// or a run of spaces.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Word(&'a str),
    Space,
}

fn pieces(line: &str) -> Vec<Piece<'_>> {
    // Words as byte ranges of `line`, `None` for a run of spaces.
    let mut ranges: Vec<Option<(usize, usize)>> = Vec::new();
    let mut at = 0;
    while let Some(c) = line[at..].chars().next() {
        let rest = &line[at..];
        if c.is_whitespace() {
            at += rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
            ranges.push(None);
            continue;
        }
        let link = rest.starts_with("http://") || rest.starts_with("https://");
        let mut end = if width(c) == 2 && !link {
            c.len_utf8()
        } else {
            // A link or a word runs to the first space or wide character.
            rest.find(|c: char| c.is_whitespace() || width(c) == 2).unwrap_or(rest.len())
        };
        // Closing punctuation rides on what it follows.
        end += rest[end..].find(|c: char| !closes(c)).unwrap_or(rest.len() - end);
        match ranges.last_mut() {
            Some(Some((_, before))) if !link && seam(&line[..*before], rest) => *before = at + end,
            _ => ranges.push(Some((at, at + end))),
        }
        at += end;
    }
    ranges.into_iter().map(|r| r.map_or(Piece::Space, |(from, to)| Piece::Word(&line[from..to]))).collect()
}

/// Whether a word ending `before` and one starting `after` touch at a
/// letter or digit on one side and a Chinese character on the other
/// ("11" + "月"), which stay together.
fn seam(before: &str, after: &str) -> bool {
    let (Some(a), Some(b)) = (before.chars().last(), after.chars().next()) else { return false };
    let mixed = |x: char, y: char| x.is_ascii_alphanumeric() && width(y) == 2 && !closes(y);
    mixed(a, b) || mixed(b, a)
}

fn wrap_line(line: &str, columns: usize) -> String {
    let indent_len = line.len() - line.trim_start().len();
    let (indent, body) = line.split_at(indent_len);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::from(indent);
    let mut used = text_width(indent);
    let mut space = false;
    for piece in pieces(body) {
        match piece {
            Piece::Space => space = true,
            Piece::Word(word) => {
                let w = text_width(word);
                let gap = usize::from(space && used > 0);
                if used > 0 && used + gap + w > columns {
                    // The space we break at stays; the soft break's own
                    // space follows it, for a flowed reader to take out.
                    if gap == 1 {
                        current.push(' ');
                    }
                    current.push(' ');
                    lines.push(std::mem::take(&mut current));
                    used = 0;
                } else if gap == 1 {
                    current.push(' ');
                    used += 1;
                }
                current.push_str(word);
                used += w;
                space = false;
            }
        }
    }
    lines.push(current);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://redress.example.cn/t/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0f";

    /// The lines as a reader that does not reflow shows them.
    fn shown(text: &str) -> Vec<&str> {
        text.lines().map(str::trim_end).collect()
    }

    #[test]
    fn chinese_prose_is_wrapped_at_76_columns_between_characters_and_flows_back() {
        let p =
            "商家须在 2026年11月22日 10:00 前首次回应，在 2026年11月27日 10:00 前解决；超时未处理的，平台会介入督办。";
        let wrapped = wrap(p, COLUMNS);
        let lines = shown(&wrapped);
        assert!(lines.len() > 1, "{wrapped}");
        for line in &lines {
            assert!(text_width(line) <= COLUMNS, "{line}");
            assert!(!line.starts_with(closes), "no line starts with closing punctuation: {line}");
        }
        for pair in lines.windows(2) {
            let (end, start) = (pair[0].chars().last().unwrap(), pair[1].chars().next().unwrap());
            assert!(!seam(&end.to_string(), &start.to_string()), "a number kept with what it counts: {wrapped}");
            assert!(!(end.is_ascii_alphanumeric() && start.is_ascii_alphanumeric()), "a word split: {wrapped}");
        }
        assert!(wrapped.lines().rev().skip(1).all(|l| l.ends_with(' ')), "each break we make is soft: {wrapped:?}");
        assert_eq!(unflow(&wrapped), p, "a flowed reader joins it back");
    }

    #[test]
    fn a_link_is_never_broken_and_starts_its_own_line_when_it_does_not_fit() {
        let p = format!("请打开这个链接查看商家上传的检测报告和发票照片：{LINK}，谢谢。");
        let wrapped = wrap(&p, COLUMNS);
        let line = shown(&wrapped).into_iter().find(|l| l.contains("https://")).unwrap();
        assert!(line.starts_with(LINK), "the link whole, at the start of its line: {wrapped}");
        assert_eq!(unflow(&wrapped), p);
        let english = format!("Please open {LINK} to follow it.");
        let wrapped = wrap(&english, COLUMNS);
        assert_eq!(shown(&wrapped), ["Please open", &format!("{LINK} to"), "follow it."]);
        assert_eq!(unflow(&wrapped), english);
    }

    #[test]
    fn english_is_wrapped_at_spaces_and_lines_of_their_own_are_kept() {
        let p = "The merchant must answer by 22 Nov 2026, 10:00 and resolve it by 27 Nov 2026, 10:00; if it does not, the platform steps in.\nSecond line.";
        let wrapped = wrap(p, COLUMNS);
        assert_eq!(
            shown(&wrapped),
            [
                "The merchant must answer by 22 Nov 2026, 10:00 and resolve it by 27 Nov",
                "2026, 10:00; if it does not, the platform steps in.",
                "Second line."
            ]
        );
        assert_eq!(unflow(&wrapped), p, "the hard line break kept");
        assert_eq!(wrap("short   ", COLUMNS), "short", "no trailing space a reader would take for a soft break");
        assert_eq!(wrap("", COLUMNS), "");
    }

    #[test]
    fn lines_a_flowed_reader_would_misread_are_stuffed() {
        let text = "> 引用\nFrom here\n 缩进\n正文";
        let stuffed = stuff(text);
        assert_eq!(stuffed, " > 引用\n From here\n  缩进\n正文");
        assert_eq!(unflow(&stuffed), text);
    }
}
