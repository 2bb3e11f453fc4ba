//! API keys: what a key looks like, how it is recognised and how it is
//! kept. A key is `rdk_` + a public prefix (8 hex digits, shown in lists
//! to tell keys apart) + `_` + a secret of 256 random bits (64 hex
//! digits). Only the SHA-256 of the whole key is stored: a key has far too
//! much entropy to be guessed, so a fast hash is the right one (a slow
//! password hash would only slow every request down).

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::field::{Field, FieldErrors, Invalid};
use super::text;

/// What every key starts with, so that a key pasted somewhere it should
/// not be is recognisable (and found by secret scanners).
pub const KEY_START: &str = "rdk_";
/// Hex digits of the public prefix.
pub const PREFIX_LEN: usize = 8;
/// Hex digits of the secret (256 bits).
pub const SECRET_LEN: usize = 64;
/// Random bytes a key is made of: the prefix's and the secret's.
pub const RANDOM_BYTES: usize = (PREFIX_LEN + SECRET_LEN) / 2;
/// The longest name a key may have.
pub const NAME_MAX: usize = 60;
/// `last_used_at` is written at most this often, so that reading with a
/// key does not write on every request.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);

/// Whom a key acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One merchant's complaints, as its staff see them.
    Merchant(i64),
    /// The platform: may file complaints for consumers and read the queue.
    Platform,
}

impl Scope {
    /// The merchant of a merchant key; `None` for a platform key (the
    /// `merchant_id` column).
    pub fn merchant_id(self) -> Option<i64> {
        match self {
            Scope::Merchant(id) => Some(id),
            Scope::Platform => None,
        }
    }

    pub fn of(merchant_id: Option<i64>) -> Scope {
        merchant_id.map_or(Scope::Platform, Scope::Merchant)
    }
}

/// A new key: the whole key (shown once), its public prefix and the hash
/// that is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minted {
    pub key: String,
    pub prefix: String,
    pub hash: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A key made of `random` (from a cryptographic generator).
pub fn mint(random: &[u8; RANDOM_BYTES]) -> Minted {
    let (prefix, secret) = random.split_at(PREFIX_LEN / 2);
    let prefix = hex(prefix);
    let key = format!("{KEY_START}{prefix}_{}", hex(secret));
    Minted { hash: hash(&key), prefix, key }
}

/// The SHA-256 of a whole key, in lowercase hex: what is stored.
pub fn hash(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

/// A key as presented, once its shape is checked: its prefix and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub prefix: String,
    pub hash: String,
}

fn lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `presented` if it has the shape of a key (nothing else is looked up).
pub fn parse(presented: &str) -> Option<Presented> {
    let rest = presented.strip_prefix(KEY_START)?;
    let (prefix, secret) = rest.split_once('_')?;
    (lower_hex(prefix, PREFIX_LEN) && lower_hex(secret, SECRET_LEN))
        .then(|| Presented { prefix: prefix.to_owned(), hash: hash(presented) })
}

/// The key an `Authorization` header carries: `Bearer <key>` (the scheme
/// in any case, as RFC 9110 has it).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// How a key is shown in lists and on the audit log: `rdk_1a2b3c4d…`.
pub fn shown(prefix: &str) -> String {
    format!("{KEY_START}{prefix}…")
}

/// Whether a key last used at `last_used` should have its use recorded at
/// `now` (never more often than [`TOUCH_EVERY`]).
pub fn needs_touch(last_used: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_used.is_none_or(|at| now - at >= TOUCH_EVERY)
}

/// The key form as typed: its name.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct KeyForm {
    pub name: String,
}

impl KeyForm {
    /// The name, cleaned: 1 to [`NAME_MAX`] characters people can read.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        match text::clean_shown(&self.name, 1, NAME_MAX, false) {
            Ok(name) => Ok(name),
            Err(e) => {
                errors.add(Field::Name, Invalid::from(e));
                Err(errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(seed: u8) -> [u8; RANDOM_BYTES] {
        std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(seed))
    }

    #[test]
    fn a_minted_key_parses_to_its_own_prefix_and_hash() {
        let m = mint(&random(1));
        assert!(m.key.starts_with("rdk_"));
        assert_eq!(m.key.len(), 4 + PREFIX_LEN + 1 + SECRET_LEN);
        assert_eq!(&m.key[4..12], m.prefix);
        let p = parse(&m.key).unwrap();
        assert_eq!(p, Presented { prefix: m.prefix.clone(), hash: m.hash.clone() });
        assert_ne!(mint(&random(2)).hash, m.hash);
        // The hash is of the whole key, and does not contain it.
        assert_eq!(m.hash.len(), 64);
        assert!(!m.hash.contains(&m.key[13..]));
    }

    #[test]
    fn the_hash_is_sha256_of_the_whole_key() {
        // echo -n abc | sha256sum
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn anything_not_shaped_like_a_key_is_refused_before_a_lookup() {
        let key = mint(&random(3)).key;
        let upper = key.to_uppercase().replacen("RDK_", "rdk_", 1);
        let cut = &key[..key.len() - 1];
        let longer = format!("{key}0");
        let other_start = key.replacen("rdk_", "rdx_", 1);
        let no_separator = key.replacen('_', "", 2);
        for bad in ["", "rdk_", "rdk__", &upper, cut, &longer, &other_start, &no_separator, "Bearer x"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let spaced = format!(" {key}");
        assert_eq!(parse(&spaced), None);
    }

    #[test]
    fn bearer_tokens_are_read_from_the_header() {
        assert_eq!(bearer("Bearer rdk_x"), Some("rdk_x"));
        assert_eq!(bearer("bearer   rdk_x "), Some("rdk_x"));
        assert_eq!(bearer("Basic dXNlcjpwYXNz"), None);
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearer  "), None);
    }

    #[test]
    fn use_is_recorded_at_most_once_a_minute() {
        let now = DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc);
        assert!(needs_touch(None, now));
        assert!(!needs_touch(Some(now - Duration::seconds(59)), now));
        assert!(needs_touch(Some(now - Duration::seconds(60)), now));
    }

    #[test]
    fn names_are_required_readable_and_short() {
        assert_eq!(KeyForm { name: "  客服系统 ".into() }.validate().unwrap(), "客服系统");
        for (bad, why) in [
            ("", Invalid::Required),
            ("\u{200B}", Invalid::Invisible),
            ("a\u{202E}b", Invalid::BidiControl),
            (&"键".repeat(NAME_MAX + 1) as &str, Invalid::TooLong { max: NAME_MAX }),
        ] {
            let e = KeyForm { name: bad.into() }.validate().unwrap_err();
            assert_eq!(e.get(Field::Name), Some(why), "{bad:?}");
        }
        assert_eq!(Scope::of(Some(3)), Scope::Merchant(3));
        assert_eq!(Scope::of(None).merchant_id(), None);
    }
}
