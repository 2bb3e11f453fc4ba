//! A deadline for the request body. actix times out a request's headers
//! (`client_request_timeout`) but not its body: a client that sends the
//! headers and then trickles the body a byte at a time held its connection
//! (and a file handle) for as long as it liked. The site middleware wraps
//! each body in [`Deadline`]; a handler still reading when it passes gets
//! an error, and the middleware answers 408 and closes the connection.
//!
//! The deadline is the base timeout plus, for a body that declares its
//! `Content-Length`, the time its bytes so far take at the minimum rate
//! (never more than its declared length): 90 MiB of evidence from a phone
//! at 1 MB/s arrives, a trickle is cut off soon after the base timeout
//! whatever length it claims, and no body gets longer than
//! base + declared length / rate (the length is capped by the form limits,
//! which answer 413 beyond).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

/// A request body that ends in an error once its deadline has passed.
pub struct Deadline {
    inner: Payload,
    sleep: Pin<Box<Sleep>>,
    expired: Rc<Cell<bool>>,
    done: bool,
    /// When the base timeout ends.
    base: Instant,
    /// Bytes a second each byte received earns time at.
    rate: u64,
    /// Bytes that still earn time: the declared length, less those received.
    credit: u64,
    received: u64,
}

/// How long a body may take: `base`, and for a declared `Content-Length`,
/// `rate` bytes a second of it.
#[derive(Clone, Copy, Debug)]
pub struct Allowance {
    pub base: std::time::Duration,
    pub rate: u64,
    pub declared: u64,
}

/// What actix takes as a request body.
pub type Boxed = Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>;

impl Deadline {
    /// `inner` cut off as `allowed` says from now; `expired` is set when it was.
    pub fn new(inner: Payload, allowed: Allowance, expired: Rc<Cell<bool>>) -> Deadline {
        let base = Instant::now() + allowed.base;
        Deadline {
            inner,
            sleep: Box::pin(tokio::time::sleep_until(base)),
            expired,
            done: false,
            base,
            rate: allowed.rate.max(1),
            credit: allowed.declared,
            received: 0,
        }
    }

    /// `req`'s body, cut off as `allowed` says; the flag says whether it was.
    pub fn wrap(req: &mut actix_web::dev::ServiceRequest, allowed: Allowance) -> Rc<Cell<bool>> {
        use actix_web::HttpMessage;
        let expired = Rc::new(Cell::new(false));
        let inner = req.take_payload();
        let body: Boxed = Box::pin(Deadline::new(inner, allowed, expired.clone()));
        req.set_payload(Payload::from(body));
        expired
    }

    /// `bytes` more arrived: the deadline moves on by their time at the rate.
    fn earned(&mut self, bytes: u64) {
        let counted = bytes.min(self.credit);
        if counted == 0 {
            return;
        }
        self.credit -= counted;
        self.received += counted;
        let more = std::time::Duration::from_secs_f64(self.received as f64 / self.rate as f64);
        self.sleep.as_mut().reset(self.base + more);
    }
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        // The deadline first: a trickle always has a byte ready.
        if this.sleep.as_mut().poll(cx).is_ready() {
            this.done = true;
            this.expired.set(true);
            let late = std::io::Error::new(std::io::ErrorKind::TimedOut, "the request body took too long");
            return Poll::Ready(Some(Err(PayloadError::Io(late))));
        }
        let next = Pin::new(&mut this.inner).poll_next(cx);
        match &next {
            Poll::Ready(None) => this.done = true,
            Poll::Ready(Some(Ok(bytes))) => this.earned(bytes.len() as u64),
            _ => {}
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[actix_web::test]
    async fn a_trickled_body_is_cut_off_at_the_deadline() {
        let trickle = futures_util::stream::unfold(0u32, |n| async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Some((Ok::<_, PayloadError>(Bytes::from_static(b"a")), n + 1))
        });
        let inner = Payload::from(Box::pin(trickle) as Boxed);
        let expired = Rc::new(Cell::new(false));
        // It declares a megabyte, but a byte every 20 ms earns next to nothing.
        let allowed = Allowance { base: std::time::Duration::from_millis(200), rate: 1024, declared: 1 << 20 };
        let mut body = Deadline::new(inner, allowed, expired.clone());
        let mut bytes = 0;
        let error = loop {
            match body.next().await {
                Some(Ok(b)) => bytes += b.len(),
                Some(Err(e)) => break e,
                None => panic!("the trickle never ends by itself"),
            }
        };
        assert!(matches!(error, PayloadError::Io(ref e) if e.kind() == std::io::ErrorKind::TimedOut));
        assert!(expired.get());
        assert!((3..=11).contains(&bytes), "the bytes before the deadline came through: {bytes}");
        assert!(body.next().await.is_none(), "and nothing after");
    }

    #[actix_web::test]
    async fn a_body_in_time_is_untouched() {
        let inner = Payload::from(Box::pin(futures_util::stream::iter([Ok(Bytes::from_static(b"a=1"))])) as Boxed);
        let expired = Rc::new(Cell::new(false));
        let allowed = Allowance { base: std::time::Duration::from_secs(5), rate: 1024, declared: 3 };
        let mut body = Deadline::new(inner, allowed, expired.clone());
        assert_eq!(body.next().await.unwrap().unwrap(), Bytes::from_static(b"a=1"));
        assert!(body.next().await.is_none());
        assert!(!expired.get());
    }
}
