//! Word lists and character sets looked up at many positions of a text,
//! built once on first use.

/// A list of words looked up at every position of a text. Most positions
/// are ruled out by their character alone (one bit of 4096, rarely shared);
/// the rest find the words starting with it by binary search and compare
/// characters, never UTF-8. Each word keeps its index in the list it was
/// made from.
pub(super) struct Words {
    pub(super) bits: [u64; 64],
    /// First characters, sorted, one for each word.
    pub(super) firsts: Vec<char>,
    /// The rest of each word, and its index in the list.
    pub(super) rests: Vec<(Vec<char>, usize)>,
}

impl Words {
    pub(super) fn new<'a>(list: impl IntoIterator<Item = &'a str>) -> Words {
        let mut words: Vec<(Vec<char>, usize)> =
            list.into_iter().enumerate().map(|(k, w)| (w.chars().collect(), k)).collect();
        words.sort_unstable_by_key(|(w, _)| w[0]);
        let mut bits = [0u64; 64];
        for (w, _) in &words {
            set_bit(&mut bits, w[0]);
        }
        let firsts = words.iter().map(|(w, _)| w[0]).collect();
        let rests = words.into_iter().map(|(w, k)| (w[1..].to_vec(), k)).collect();
        Words { bits, firsts, rests }
    }
}

/// A set of characters, looked up by binary search.
pub(super) struct CharSet(Vec<char>);

impl CharSet {
    pub(super) fn new(chars: &str) -> CharSet {
        let mut v: Vec<char> = chars.chars().collect();
        v.sort_unstable();
        v.dedup();
        CharSet(v)
    }

    pub(super) fn has(&self, c: char) -> bool {
        self.0.binary_search(&c).is_ok()
    }
}

/// Builds a `Words` or a `CharSet` once, on first use.
macro_rules! lazy {
    ($name:ident: Words = $list:expr) => {
        static $name: std::sync::LazyLock<super::lists::Words> =
            std::sync::LazyLock::new(|| super::lists::Words::new($list.iter().copied()));
    };
    ($name:ident: CharSet = $chars:expr) => {
        static $name: std::sync::LazyLock<super::lists::CharSet> =
            std::sync::LazyLock::new(|| super::lists::CharSet::new($chars));
    };
}
pub(super) use lazy;

pub(super) fn set_bit(bits: &mut [u64; 64], c: char) {
    let bit = c as usize % 4096;
    bits[bit / 64] |= 1 << (bit % 64);
}

pub(super) fn has_bit(bits: &[u64; 64], c: char) -> bool {
    let bit = c as usize % 4096;
    bits[bit / 64] >> (bit % 64) & 1 == 1
}
