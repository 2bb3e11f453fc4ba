//! Free text typed by people: trimmed, line endings normalised, control
//! characters refused, length counted in characters (a Chinese character is
//! one), not bytes. Names and messages are held to more: no characters that
//! turn the text's direction (which make "gpj.exe" look like "exe.jpg"),
//! and something visible in them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    ControlCharacter,
    /// A bidirectional-override or isolate character (U+202A–U+202E,
    /// U+2066–U+2069).
    BidiControl,
    /// Nothing but blank or zero-width characters.
    Invisible,
}

/// The characters that reorder how text is shown: embeddings, overrides
/// (U+202A–U+202E) and isolates (U+2066–U+2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing: blanks of every width (NBSP, U+3000 and
/// the rest of Unicode's white space), zero-width ones (U+200B–U+200D,
/// U+2060–U+2064, U+FEFF), direction marks, fillers that render as blanks.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{FEFF}'
                | '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{3164}'
                | '\u{FFA0}'
        )
}

/// Like [`clean`], for names and messages people read as written: refuses
/// bidi controls anywhere and text with nothing visible in it.
pub fn clean_shown(raw: &str, min: usize, max: usize, multiline: bool) -> Result<String, TextError> {
    let text = clean(raw, min, max, multiline)?;
    if text.chars().any(is_bidi_control) {
        return Err(TextError::BidiControl);
    }
    if text.chars().all(is_invisible) {
        return Err(TextError::Invisible);
    }
    Ok(text)
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

/// `text` on one line (its line breaks and runs of blanks as one space),
/// cut after `n` characters (never inside one: a Chinese character is one)
/// with "…" when there was more.
pub fn excerpt(text: &str, n: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = line.chars();
    let mut out: String = chars.by_ref().take(n).collect();
    if chars.next().is_some() {
        out.truncate(out.trim_end().len());
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_line_cut_on_a_character() {
        assert_eq!(excerpt("主播说是纯棉", 6), "主播说是纯棉");
        assert_eq!(excerpt("主播说是纯棉的", 6), "主播说是纯棉…");
        assert_eq!(excerpt("第一行\n\n  第二行", 40), "第一行 第二行");
        assert_eq!(excerpt("ab   cd", 3), "ab…", "no blank before the ellipsis");
        assert_eq!(excerpt("", 3), "");
    }

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

    #[test]
    fn names_and_messages_refuse_bidi_controls_and_invisible_text() {
        for bidi in
            ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']
        {
            assert_eq!(clean_shown(&format!("王{bidi}芳"), 1, 20, false), Err(TextError::BidiControl), "{bidi:?}");
        }
        for blank in
            ["\u{200B}", "\u{200C}\u{200D}", "\u{2060}", "\u{FEFF}", "\u{3000}\u{200B}", "\u{A0}\u{200B}", "\u{3164}"]
        {
            assert_eq!(clean_shown(blank, 1, 20, false), Err(TextError::Invisible), "{blank:?}");
        }
        // Blanks alone are trimmed away to nothing: required, as before.
        assert_eq!(clean_shown("\u{3000}\u{A0}", 1, 20, false), Err(TextError::Required));
        assert_eq!(clean_shown("王芳", 1, 20, false), Ok("王芳".into()));
        assert_eq!(clean_shown("Zoë O'Brien-Lee", 1, 20, false), Ok("Zoë O'Brien-Lee".into()));
        assert_eq!(clean_shown("第一行\n第二行", 1, 20, true), Ok("第一行\n第二行".into()));
        // Arabic and Hebrew need no overrides: they are read as written.
        assert_eq!(clean_shown("محمد", 1, 20, false), Ok("محمد".into()));
        // What is accepted passes again unchanged.
        let once = clean_shown(" \u{200B}王芳 ", 1, 20, false).unwrap();
        assert_eq!(clean_shown(&once, 1, 20, false), Ok(once.clone()));
    }
}
