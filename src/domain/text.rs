//! Free text typed by people: trimmed, line endings normalised, control
//! characters refused, length counted in characters (a Chinese character is
//! one), not bytes.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacter,
}

/// Cleans `raw` and checks it holds `min..=max` characters. Newlines are
/// allowed only when `multiline`.
pub fn clean(raw: &str, min: usize, max: usize, multiline: bool) -> Result<String, TextError> {
    let normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = normalised.trim();
    if text.is_empty() {
        return Err(TextError::Required);
    }
    let bad = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\t'));
    if text.chars().any(bad) {
        return Err(TextError::ControlCharacter);
    }
    let count = text.chars().count();
    if count < min {
        return Err(TextError::TooShort { min });
    }
    if count > max {
        return Err(TextError::TooLong { max });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(clean("  主播说是纯棉  ", 2, 6, false), Ok("主播说是纯棉".into()));
        assert_eq!(clean("主播说是纯棉的", 2, 6, false), Err(TextError::TooLong { max: 6 }));
    }

    #[test]
    fn refuses_blank_short_and_control() {
        assert_eq!(clean(" \n\t ", 1, 10, true), Err(TextError::Required));
        assert_eq!(clean("ab", 3, 10, false), Err(TextError::TooShort { min: 3 }));
        assert_eq!(clean("a\u{7}b", 1, 10, true), Err(TextError::ControlCharacter));
        assert_eq!(clean("a\nb", 1, 10, false), Err(TextError::ControlCharacter));
        assert_eq!(clean("a\r\nb", 1, 10, true), Ok("a\nb".into()));
    }
}
