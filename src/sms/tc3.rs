//! Tencent Cloud API 3.0's request signature, `TC3-HMAC-SHA256`
//! (<https://cloud.tencent.com/document/api/382/52072>, "签名方法 v3"), for a
//! `POST /` with a JSON body and the two headers Tencent requires signed,
//! `content-type` and `host`:
//!
//! ```text
//! CanonicalRequest = "POST\n/\n\n" "content-type:" ct "\n" "host:" host "\n\n"
//!                    "content-type;host\n" hex(sha256(body))
//! StringToSign     = "TC3-HMAC-SHA256\n" timestamp "\n" date "/" service "/tc3_request\n"
//!                    hex(sha256(CanonicalRequest))
//! key              = hmac(hmac(hmac("TC3" secret_key, date), service), "tc3_request")
//! Signature        = hex(hmac(key, StringToSign))
//! ```
//!
//! `date` is the UTC day of `timestamp` (`2019-02-25`); header values are
//! trimmed and lowercased, as the documentation says.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What a request's signature covers.
pub struct Signed<'a> {
    pub secret_id: &'a str,
    pub secret_key: &'a str,
    /// The API's service name: `sms`.
    pub service: &'a str,
    /// The `Host` header as sent (with the port when it is not the scheme's).
    pub host: &'a str,
    pub content_type: &'a str,
    /// Seconds since 1970, as sent in `X-TC-Timestamp`.
    pub timestamp: i64,
    pub body: &'a [u8],
}

/// The value of the `Authorization` header.
pub fn authorization(s: &Signed<'_>) -> String {
    let date = chrono::DateTime::from_timestamp(s.timestamp, 0).unwrap_or_default().format("%Y-%m-%d").to_string();
    format!(
        "TC3-HMAC-SHA256 Credential={}/{date}/{}/tc3_request, SignedHeaders=content-type;host, Signature={}",
        s.secret_id,
        s.service,
        signature(s, &date)
    )
}

fn signature(s: &Signed<'_>, date: &str) -> String {
    let canonical = format!(
        "POST\n/\n\ncontent-type:{}\nhost:{}\n\ncontent-type;host\n{}",
        s.content_type.trim().to_ascii_lowercase(),
        s.host.trim().to_ascii_lowercase(),
        hex(&Sha256::digest(s.body))
    );
    let scope = format!("{date}/{}/tc3_request", s.service);
    let to_sign = format!("TC3-HMAC-SHA256\n{}\n{scope}\n{}", s.timestamp, hex(&Sha256::digest(canonical)));
    let key = hmac(format!("TC3{}", s.secret_key).as_bytes(), date.as_bytes());
    let key = hmac(&key, s.service.as_bytes());
    let key = hmac(&key, b"tc3_request");
    hex(&hmac(&key, to_sign.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Lowercase hexadecimal (no `hex` crate in the tree for this alone).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tencent's own worked example (signature v3 documentation,
    /// CVM `DescribeInstances`, with its published example keys).
    #[test]
    fn tencents_published_example_signs_as_documented() {
        let body = r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let s = Signed {
            secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            secret_key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            service: "cvm",
            host: "cvm.tencentcloudapi.com",
            content_type: "application/json; charset=utf-8",
            timestamp: 1551113065,
            body: body.as_bytes(),
        };
        assert_eq!(
            authorization(&s),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    /// A second published vector (API Explorer's minimal signing, as the
    /// Teco project's signer tests record it): another day, another body.
    #[test]
    fn api_explorers_minimal_example_signs_the_same() {
        let s = Signed {
            secret_id: "MY_TC_SECRET_ID",
            secret_key: "MY_TC_SECRET_KEY",
            service: "cvm",
            host: "cvm.tencentcloudapi.com",
            content_type: "application/json",
            timestamp: 1_000_000_000,
            body: b"{}",
        };
        assert_eq!(
            authorization(&s),
            "TC3-HMAC-SHA256 Credential=MY_TC_SECRET_ID/2001-09-09/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=2c0b761dcdeacac29ac9d135f9f22b0fa52d4536d8b7727a8a515935c47eaea7"
        );
    }

    #[test]
    fn hex_is_lowercase_and_two_digits_a_byte() {
        assert_eq!(hex(&[0, 0x0f, 0xab, 0xff]), "000fabff");
    }
}
