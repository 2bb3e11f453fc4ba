//! The TOTP secret at rest: it cannot be hashed (the server computes codes
//! from it), so it is sealed with AES-256-GCM under a key derived (HKDF-
//! SHA-256) from the session key, with the account's id as associated
//! data, so a sealed secret copied to another account does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;

const VERSION: &str = "v1.";
const NONCE_BYTES: usize = 12;

/// The sealing key; its own, derived from the master key, never the
/// cookie's key itself.
#[derive(Clone)]
pub struct SealKey(Aes256Gcm);

impl SealKey {
    pub fn derive(master: &[u8]) -> SealKey {
        Self::derive_for(master, b"two-factor secret v1")
    }

    /// The key that seals webhook endpoints' signing secrets (the
    /// endpoint's id as the "account"): another key than two-factor's.
    pub fn for_webhooks(master: &[u8]) -> SealKey {
        Self::derive_for(master, b"webhook secret v1")
    }

    fn derive_for(master: &[u8], purpose: &[u8]) -> SealKey {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"redress"), master)
            .expand(purpose, &mut key)
            .expect("32 bytes is a valid HKDF-SHA-256 length");
        SealKey(Aes256Gcm::new(&key.into()))
    }

    /// `v1.` and the hex of nonce and ciphertext.
    pub fn seal(&self, user_id: i64, secret: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let aad = user_id.to_be_bytes();
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad: &aad })
            .expect("AES-GCM encrypts any short message");
        let mut out = String::from(VERSION);
        for b in nonce.iter().chain(&sealed) {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    /// The secret, if it was sealed with this key for this account.
    pub fn open(&self, user_id: i64, sealed: &str) -> Option<Vec<u8>> {
        let hex = sealed.strip_prefix(VERSION)?;
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<_>>()?;
        if bytes.len() <= NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let aad = user_id.to_be_bytes();
        self.0.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: &aad }).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_account() {
        let key = SealKey::derive(&[1u8; 64]);
        let sealed = key.seal(7, b"12345678901234567890");
        assert!(!sealed.contains("3132333435"), "not the secret in hex: {sealed}");
        assert_ne!(sealed, key.seal(7, b"12345678901234567890"), "a fresh nonce each time");
        assert_eq!(key.open(7, &sealed).as_deref(), Some(&b"12345678901234567890"[..]));
        assert_eq!(key.open(8, &sealed), None, "another account's");
        assert_eq!(SealKey::derive(&[2u8; 64]).open(7, &sealed), None, "another key");
        assert_eq!(key.open(7, "v1.zz"), None);
        assert_eq!(key.open(7, &sealed.replace("v1.", "v2.")), None);
        assert_eq!(SealKey::for_webhooks(&[1u8; 64]).open(7, &sealed), None, "the webhooks' key is another");
    }
}
