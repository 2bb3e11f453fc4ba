//! Proving a phone number with a six-digit code sent to it by SMS: what a
//! code looks like, how long it lives, how many answers it takes, and how
//! many may be sent to a number or from an address in an hour. The store
//! keeps the codes (hashed) and counts the sends; these rules decide.

use chrono::{DateTime, Duration, Utc};

/// How long a code may be answered after it was sent.
pub const LIFETIME: Duration = Duration::minutes(10);
/// Answers a code takes; the next is refused even if it is right.
pub const TRIES: i32 = 5;
/// The window sends are counted in.
pub const WINDOW: Duration = Duration::hours(1);
/// Codes sent to one number in a [`WINDOW`].
pub const PER_PHONE: usize = 3;
/// Codes sent from one client address in a [`WINDOW`].
pub const PER_ADDRESS: usize = 10;
/// How long a number proved at `/my` stays proved in that browser.
pub const PROOF: Duration = Duration::minutes(30);

crate::slug_enum! {
    /// What a code is for: filing a complaint, or listing them at `/my`.
    /// A code asked for one does not answer the other.
    pub enum Purpose {
        Complaint => "complaint",
        My => "my",
    }
}

/// Six digits as typed: spaces and dashes between them are allowed
/// (`123 456`), full-width digits are read as digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Option<Code> {
        let digits: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                c => c,
            })
            .collect();
        (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Code(digits))
    }

    /// A code from a random number (any `u32`; it is reduced to six digits).
    pub fn from_random(n: u32) -> Code {
        Code(format!("{:06}", n % 1_000_000))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A code as the store holds it: when it was sent, how often it was
/// answered, whether it was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issued {
    pub expires_at: DateTime<Utc>,
    pub attempts: i32,
    pub used: bool,
}

/// Why an answer to a code is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No code was sent to this number (for this purpose).
    NoCode,
    /// Not the code sent.
    Wrong,
    /// Sent more than [`LIFETIME`] ago.
    Expired,
    /// Already answered once, rightly.
    Used,
    /// [`TRIES`] answers given: a new code must be asked for.
    Spent,
}

impl Issued {
    /// Whether an answer to this code may be weighed at `now` at all (its
    /// rightness is the caller's to tell, in constant time). An answer
    /// that is weighed counts as a try, right or wrong.
    pub fn answerable(&self, now: DateTime<Utc>) -> Result<(), Refused> {
        if self.used {
            Err(Refused::Used)
        } else if self.attempts >= TRIES {
            Err(Refused::Spent)
        } else if now >= self.expires_at {
            Err(Refused::Expired)
        } else {
            Ok(())
        }
    }
}

/// When a code sent at `sent` expires.
pub fn expires(sent: DateTime<Utc>) -> DateTime<Utc> {
    sent + LIFETIME
}

/// Whether one more code may be sent at `now`, given the times of the codes
/// already sent in the last [`WINDOW`] (to the number, or from the
/// address) and how many the window allows: `Err` with how long until the
/// oldest of them leaves the window.
pub fn may_send(sent: &[DateTime<Utc>], allowed: usize, now: DateTime<Utc>) -> Result<(), Duration> {
    let recent: Vec<DateTime<Utc>> = sent.iter().copied().filter(|at| *at > now - WINDOW).collect();
    if recent.len() < allowed {
        return Ok(());
    }
    let oldest = recent.into_iter().min().unwrap_or(now);
    Err((oldest + WINDOW - now).max(Duration::seconds(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn codes_are_six_digits_however_typed() {
        assert_eq!(Code::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(Code::parse("123-456").unwrap().as_str(), "123456");
        assert_eq!(Code::parse("１２３４５６").unwrap().as_str(), "123456");
        for bad in ["", "12345", "1234567", "12345a", "一二三四五六", "+12345"] {
            assert_eq!(Code::parse(bad), None, "{bad}");
        }
        assert_eq!(Code::from_random(42).as_str(), "000042");
        assert_eq!(Code::from_random(u32::MAX).as_str(), "967295");
    }

    #[test]
    fn a_code_lives_ten_minutes_and_takes_five_answers_once() {
        let issued = Issued { expires_at: expires(at(0)), attempts: 0, used: false };
        assert_eq!(issued.answerable(at(9)), Ok(()));
        assert_eq!(issued.answerable(at(10)), Err(Refused::Expired));
        let tried = Issued { attempts: TRIES - 1, ..issued };
        assert_eq!(tried.answerable(at(1)), Ok(()), "the fifth answer is weighed");
        let spent = Issued { attempts: TRIES, ..issued };
        assert_eq!(spent.answerable(at(1)), Err(Refused::Spent), "the sixth is not, right or wrong");
        let used = Issued { used: true, ..issued };
        assert_eq!(used.answerable(at(1)), Err(Refused::Used));
    }

    #[test]
    fn sends_are_counted_over_the_last_hour() {
        let sent = [at(0), at(10), at(20)];
        assert_eq!(may_send(&sent[..2], PER_PHONE, at(30)), Ok(()));
        // The oldest leaves the window at 60: 30 minutes to wait.
        assert_eq!(may_send(&sent, PER_PHONE, at(30)), Err(Duration::minutes(30)));
        assert_eq!(may_send(&sent, PER_PHONE, at(60)), Ok(()), "the oldest has left");
        assert_eq!(may_send(&sent, PER_PHONE, at(59)), Err(Duration::minutes(1)));
    }
}
