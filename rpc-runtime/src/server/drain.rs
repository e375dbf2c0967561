//! Graceful shutdown of the server's connections.
//!
//! What `hyper_util::server::graceful` does (each connection is told to finish its call in
//! flight and close), at a lower cost per request: its connection future polls a
//! `watch` channel's change future, under tokio's cooperative budget, every time the
//! connection is polled (390 instructions of a small call, counted with callgrind). Here a
//! connection polls tokio's `Notify` only to register its task's waker, once, and then
//! reads an atomic flag per poll.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use tokio::sync::Notify;
use tokio::sync::futures::OwnedNotified;

/// The signal every connection of a server watches.
#[derive(Default)]
pub(crate) struct Drain {
    notify: Arc<Notify>,
    /// Set before the waiters are woken, so a connection that sees it polls its
    /// notification (which is then ready, or wakes it when it comes).
    started: Arc<AtomicBool>,
}

impl Drain {
    /// `conn`, closed gracefully once [`start`](Self::start) is called.
    pub(crate) fn watch<C: Graceful>(&self, conn: C) -> Draining<C> {
        Draining {
            conn,
            // Created now: a notification sent after this, even before its first poll,
            // makes it ready.
            notified: Arc::clone(&self.notify).notified_owned(),
            started: Arc::clone(&self.started),
            waker: None,
            closing: false,
        }
    }

    /// Tells every watched connection to finish its call in flight and close.
    pub(crate) fn start(&self) {
        self.started.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }
}

/// A connection that can be closed gracefully.
pub(crate) trait Graceful: Future {
    /// Finishes the call in flight, if any, then closes.
    fn graceful_shutdown(self: Pin<&mut Self>);
}

impl<I, S> Graceful for hyper::server::conn::http1::Connection<I, S>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
    S: hyper::service::HttpService<hyper::body::Incoming>,
    S::ResBody: http_body::Body + 'static,
    <S::ResBody as http_body::Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn graceful_shutdown(self: Pin<&mut Self>) {
        hyper::server::conn::http1::Connection::graceful_shutdown(self);
    }
}

pin_project_lite::pin_project! {
    /// A connection watching a [`Drain`]. (`waker` is the waker the notification holds:
    /// a task's waker stays the same, so the notification is polled again only if it
    /// changes, or once the drain started.)
    pub(crate) struct Draining<C> {
        #[pin]
        conn: C,
        #[pin]
        notified: OwnedNotified,
        started: Arc<AtomicBool>,
        waker: Option<Waker>,
        closing: bool,
    }
}

impl<C: Graceful> Future for Draining<C> {
    type Output = C::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<C::Output> {
        let mut this = self.project();
        if !*this.closing {
            let registered = this.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker()));
            if !registered || this.started.load(Ordering::Acquire) {
                if this.notified.as_mut().poll(cx).is_ready() {
                    *this.closing = true;
                    *this.waker = None;
                    this.conn.as_mut().graceful_shutdown();
                } else {
                    *this.waker = Some(cx.waker().clone());
                }
            }
        }
        this.conn.poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A connection that counts its polls and records the graceful shutdown.
    struct Probe {
        polls: Arc<AtomicUsize>,
        shut: Arc<AtomicBool>,
    }

    impl Future for Probe {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            if self.shut.load(Ordering::SeqCst) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }

    impl Graceful for Probe {
        fn graceful_shutdown(self: Pin<&mut Self>) {
            self.shut.store(true, Ordering::SeqCst);
        }
    }

    fn probe() -> (Probe, Arc<AtomicUsize>, Arc<AtomicBool>) {
        let polls = Arc::new(AtomicUsize::new(0));
        let shut = Arc::new(AtomicBool::new(false));
        let p = Probe {
            polls: Arc::clone(&polls),
            shut: Arc::clone(&shut),
        };
        (p, polls, shut)
    }

    #[tokio::test]
    async fn a_started_drain_wakes_and_closes_every_connection() {
        let drain = Drain::default();
        // Polled (and so waiting) before the drain starts.
        let (waiting, _, waiting_shut) = probe();
        let waiting = tokio::spawn(drain.watch(waiting));
        // Made before the drain starts, first polled after it.
        let (late, _, late_shut) = probe();
        let late = drain.watch(late);
        tokio::task::yield_now().await;
        assert!(!waiting_shut.load(Ordering::SeqCst));
        drain.start();
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("the waiting connection was woken")
            .unwrap();
        assert!(waiting_shut.load(Ordering::SeqCst));
        tokio::time::timeout(std::time::Duration::from_secs(5), late)
            .await
            .expect("the late connection closed");
        assert!(late_shut.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn nothing_closes_before_the_drain_starts() {
        let drain = Drain::default();
        let (conn, polls, shut) = probe();
        let mut watched = Box::pin(drain.watch(conn));
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        for _ in 0..3 {
            assert!(watched.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(polls.load(Ordering::SeqCst), 3);
        assert!(!shut.load(Ordering::SeqCst));
        drain.start();
        assert!(watched.as_mut().poll(&mut cx).is_ready());
        assert!(shut.load(Ordering::SeqCst));
    }
}
