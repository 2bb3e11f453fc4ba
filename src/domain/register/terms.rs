//! PLACEHOLDER (branch `cases`) until the real tokenizer lands from branch
//! `scrub`: CJK bigrams and single characters, Latin and digit words in
//! lower case.

/// The search terms of a published text.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut last_cjk: Option<char> = None;
    for c in text.chars() {
        if is_cjk(c) {
            flush(&mut word, &mut out);
            out.push(c.to_string());
            if let Some(prev) = last_cjk {
                out.push(format!("{prev}{c}"));
            }
            last_cjk = Some(c);
        } else {
            last_cjk = None;
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else {
                flush(&mut word, &mut out);
            }
        }
    }
    flush(&mut word, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The terms a search query is looked up by: bigrams where there are two
/// CJK characters or more, in the order typed.
pub fn query(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let end_run = |run: &mut Vec<char>, out: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    };
    for c in q.chars() {
        if is_cjk(c) {
            flush(&mut word, &mut out);
            run.push(c);
        } else {
            end_run(&mut run, &mut out);
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else {
                flush(&mut word, &mut out);
            }
        }
    }
    end_run(&mut run, &mut out);
    flush(&mut word, &mut out);
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out
}

fn flush(word: &mut String, out: &mut Vec<String>) {
    if !word.is_empty() {
        out.push(std::mem::take(word));
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}
