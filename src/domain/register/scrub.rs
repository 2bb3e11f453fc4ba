//! PLACEHOLDER (branch `cases`) until the real scrubber lands from branch
//! `scrub`: just enough to compile and run the public register's pages.
//! Replaces the given names, and any run of seven or more digits (spaces
//! and dashes allowed between them), with a visible marker.

/// `text` with `names` and long digit runs replaced by markers.
pub fn scrub(text: &str, names: &[&str]) -> String {
    let mut out = text.to_owned();
    for name in names.iter().map(|n| n.trim()).filter(|n| n.chars().count() >= 2) {
        out = out.replace(name, "[姓名]");
    }
    let chars: Vec<char> = out.chars().collect();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut result = String::with_capacity(out.len());
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]) {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len() && (digit(chars[j]) || (matches!(chars[j], ' ' | '-') && digits > 0)) {
                digits += usize::from(digit(chars[j]));
                j += 1;
            }
            while j > i && !digit(chars[j - 1]) {
                j -= 1;
            }
            if digits >= 7 {
                result.push_str("[号码]");
            } else {
                result.extend(&chars[i..j]);
            }
            i = j.max(i + 1);
        } else {
            result.push(chars[i]);
            i += 1;
        }
    }
    result
}
