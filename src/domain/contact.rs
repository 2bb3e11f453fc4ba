//! How a consumer can be reached: a mainland mobile number and/or an e-mail
//! address, normalised on the way in so that look-ups compare like with like.

crate::slug_enum! {
    #[catalog("reach.")]
    /// How the consumer was first reached with a proposal, which starts
    /// the silence rule's clock: its notice delivered by e-mail or by SMS
    /// (the transport accepted it), or the tracking page seen after it.
    pub enum Reach {
        Mail => "mail",
        Sms => "sms",
        View => "view",
    }
}

crate::slug_enum! {
    /// Whether a consumer proves the phone number on a complaint with a
    /// six-digit code sent to it (`REDRESS_VERIFY_PHONE`).
    pub enum VerifyPhone {
        /// Offered, not asked for. Only verified complaints then count
        /// toward a merchant's repeat-offender volume threshold.
        Optional => "optional",
        /// A complaint needs a phone number, proved by a code.
        Required => "required",
        /// Not offered: every complaint counts toward the volume threshold.
        Off => "off",
    }
}

impl VerifyPhone {
    /// Verification is on: offered or required.
    pub fn is_on(self) -> bool {
        self != VerifyPhone::Off
    }
}

/// A mainland China mobile number, stored as its 11 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts `13800138000`, `138 0013 8000`, `138-0013-8000`, `+86 138…`.
    pub fn parse(raw: &str) -> Option<Phone> {
        let digits: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| (digits.len() == 13).then(|| digits.strip_prefix("86")).flatten())
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        let valid = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
        valid.then(|| Phone(digits.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****8000`, for pages that others may see over a shoulder.
    pub fn masked(number: &str) -> String {
        if number.len() == 11 && number.is_ascii() {
            format!("{}****{}", &number[..3], &number[7..])
        } else {
            "****".into()
        }
    }
}

/// A person's name as an export shows it: its first character, the rest
/// starred (`王*`, `Z***`).
pub fn masked_name(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().map(String::from).unwrap_or_default();
    format!("{first}{}", "*".repeat(chars.count().max(1)))
}

/// An e-mail address, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Option<Email> {
        let s = raw.trim().to_lowercase();
        if s.len() > 254 {
            return None;
        }
        let (local, domain) = s.split_once('@')?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()));
        (local_ok && domain_ok).then_some(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `z***@example.com`.
    pub fn masked(address: &str) -> String {
        match address.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phones() {
        for ok in
            ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "8613800138000", "008619912345678"]
        {
            assert_eq!(Phone::parse(ok).map(|p| p.0.len()), Some(11), "{ok}");
        }
        for bad in ["", "12800138000", "1380013800", "138001380000", "1380013800a", "010-12345678", "+1 13800138000"] {
            assert_eq!(Phone::parse(bad), None, "{bad}");
        }
        assert_eq!(Phone::masked("13800138000"), "138****8000");
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Li.Hua@Example.COM ").unwrap().as_str(), "li.hua@example.com");
        assert!(Email::parse("a+tag@mail.qq.com").is_some());
        for bad in ["", "a", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@b..cn", "a@-b.cn", "a@b.1", ".a@b.cn", "a@b.c"] {
            assert_eq!(Email::parse(bad), None, "{bad}");
        }
        assert_eq!(Email::masked("lihua@example.com"), "l***@example.com");
    }

    proptest! {
        #[test]
        fn any_valid_mobile_parses_in_every_spelling(second in 3u8..=9, rest in "[0-9]{9}") {
            let n = format!("1{second}{rest}");
            let spaced = format!("+86 {} {} {}", &n[..3], &n[3..7], &n[7..]);
            prop_assert_eq!(Phone::parse(&n), Some(Phone(n.clone())));
            prop_assert_eq!(Phone::parse(&spaced), Some(Phone(n.clone())));
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = Phone::parse(&s);
            if let Some(e) = Email::parse(&s) {
                prop_assert_eq!(e.as_str().to_lowercase(), e.as_str());
                prop_assert!(e.as_str().contains('@'));
            }
        }
    }
}
