//! A deadline for the request body. actix times out a request's headers
//! (`client_request_timeout`) but not its body: a client that sends the
//! headers and then trickles the body a byte at a time held its connection
//! (and a file handle) for as long as it liked. The site middleware wraps
//! each body in [`Deadline`]; a handler still reading when it passes gets
//! an error, and the middleware answers 408 and closes the connection.

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

/// A request body that ends in an error once `until` has passed, however
/// steadily its bytes arrive.
pub struct Deadline {
    inner: Payload,
    sleep: Pin<Box<Sleep>>,
    expired: Rc<Cell<bool>>,
    done: bool,
}

/// What actix takes as a request body.
pub type Boxed = Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>;

impl Deadline {
    /// `inner` cut off at `until`; `expired` is set when it was.
    pub fn new(inner: Payload, until: Instant, expired: Rc<Cell<bool>>) -> Deadline {
        Deadline { inner, sleep: Box::pin(tokio::time::sleep_until(until)), expired, done: false }
    }

    /// `req`'s body, cut off `limit` after now; the flag says whether it was.
    pub fn wrap(req: &mut actix_web::dev::ServiceRequest, limit: std::time::Duration) -> Rc<Cell<bool>> {
        use actix_web::HttpMessage;
        let expired = Rc::new(Cell::new(false));
        let inner = req.take_payload();
        let body: Boxed = Box::pin(Deadline::new(inner, Instant::now() + limit, expired.clone()));
        req.set_payload(Payload::from(body));
        expired
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
        if matches!(next, Poll::Ready(None)) {
            this.done = true;
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
        let until = Instant::now() + std::time::Duration::from_millis(200);
        let mut body = Deadline::new(inner, until, expired.clone());
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
        assert!((3..=10).contains(&bytes), "the bytes before the deadline came through: {bytes}");
        assert!(body.next().await.is_none(), "and nothing after");
    }

    #[actix_web::test]
    async fn a_body_in_time_is_untouched() {
        let inner = Payload::from(Box::pin(futures_util::stream::iter([Ok(Bytes::from_static(b"a=1"))])) as Boxed);
        let expired = Rc::new(Cell::new(false));
        let mut body = Deadline::new(inner, Instant::now() + std::time::Duration::from_secs(5), expired.clone());
        assert_eq!(body.next().await.unwrap().unwrap(), Bytes::from_static(b"a=1"));
        assert!(body.next().await.is_none());
        assert!(!expired.get());
    }
}
