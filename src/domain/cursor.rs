//! The API list's cursor: where the next page starts (the last item's
//! update time and id), opaque to clients and signed, so that a cursor
//! this server did not give out is refused rather than read.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A position in a list ordered by update time, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub at: DateTime<Utc>,
    pub id: i64,
}

/// Bytes of the signature kept (128 bits).
const MAC_BYTES: usize = 16;

fn mac(secret: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(b"redress api cursor v1\0");
    mac.update(payload);
    mac.finalize().into_bytes()[..MAC_BYTES].to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// `p` as a cursor signed with `secret`.
pub fn encode(secret: &[u8], p: Position) -> String {
    let payload = format!("{}.{}", p.at.timestamp_micros(), p.id);
    format!("{}{}", hex(payload.as_bytes()), hex(&mac(secret, payload.as_bytes())))
}

/// The position `cursor` holds, if `secret` signed it.
pub fn decode(secret: &[u8], cursor: &str) -> Option<Position> {
    if cursor.len() > 200 {
        return None;
    }
    let bytes = unhex(cursor)?;
    let (payload, signature) = bytes.split_at(bytes.len().checked_sub(MAC_BYTES)?);
    let expected = mac(secret, payload);
    // Compared in constant time: the signature is a secret's work.
    if !bool::from(subtle::ConstantTimeEq::ct_eq(signature, expected.as_slice())) {
        return None;
    }
    let (micros, id) = std::str::from_utf8(payload).ok()?.split_once('.')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    Some(Position { at, id: id.parse().ok()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_with_its_own_secret_and_untouched() {
        let at = DateTime::parse_from_rfc3339("2026-11-20T02:00:00.123456Z").unwrap().with_timezone(&Utc);
        let p = Position { at, id: 42 };
        let c = encode(b"secret", p);
        assert_eq!(decode(b"secret", &c), Some(p));
        assert_eq!(decode(b"other", &c), None);
        let mut tampered = c.clone().into_bytes();
        tampered[3] = if tampered[3] == b'0' { b'1' } else { b'0' };
        assert_eq!(decode(b"secret", std::str::from_utf8(&tampered).unwrap()), None);
        for bad in ["", "zz", "00", &c[..c.len() - 2], &format!("{c}00")] {
            assert_eq!(decode(b"secret", bad), None, "{bad:?}");
        }
    }
}
