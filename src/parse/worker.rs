//! A thread that turns batches into results, handed back in the order the
//! batches were sent.
//!
//! The offloaded checks ([`super::offload`]) and TRX's definitions
//! ([`super::trx`]'s listing) each run on one. Both queues are bounded, so a
//! reader that outruns its worker blocks instead of buffering the file. The
//! worker counts the batches it holds, so that a caller can wait for all of
//! them and learn when some were lost. Dropping it ends the thread and joins
//! it, whatever it held.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use crate::model::Position;
use crate::parse::ParseError;

/// Batches waiting for a worker; the reader blocks beyond that.
pub(crate) const IN_FLIGHT: usize = 2;

pub(crate) struct Worker<In, Out> {
    /// Taken on drop: the thread's loop ends when it closes.
    batches: Option<SyncSender<In>>,
    done: Receiver<Out>,
    thread: Option<JoinHandle<()>>,
    name: &'static str,
    in_flight: usize,
}

impl<In: Send + 'static, Out: Send + 'static> Worker<In, Out> {
    /// A thread named `name` that runs `work` on each batch sent; `None` when
    /// no thread can be started, and the caller works in line.
    pub fn spawn(name: &'static str, mut work: impl FnMut(In) -> Out + Send + 'static) -> Option<Self> {
        let (batches, todo) = sync_channel::<In>(IN_FLIGHT);
        // Room for every batch in flight and the one being worked on: the
        // thread never waits to hand a result back while the reader sends.
        let (finished, done) = sync_channel::<Out>(IN_FLIGHT + 2);
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for batch in todo {
                    if finished.send(work(batch)).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Self { batches: Some(batches), done, thread: Some(thread), name, in_flight: 0 })
    }

    /// Hand `batch` over. Given back when the thread is gone, for the caller
    /// to process in line; what the thread held is reported by [`Worker::next`].
    pub fn send(&mut self, batch: In) -> Result<(), In> {
        let Some(batches) = &self.batches else { return Err(batch) };
        batches.send(batch).map_err(|returned| returned.0)?;
        self.in_flight += 1;
        Ok(())
    }

    /// The oldest batch's result if it is back, without waiting.
    pub fn ready(&mut self) -> Option<Out> {
        let out = self.done.try_recv().ok()?;
        self.in_flight -= 1;
        Some(out)
    }

    /// The oldest batch's result, waited for; `None` when the worker holds
    /// none. An error when the thread stopped with batches in hand: their
    /// elements were never checked, so the read cannot be trusted.
    pub fn next(&mut self) -> Result<Option<Out>, ParseError> {
        if self.in_flight == 0 {
            return Ok(None);
        }
        match self.done.recv() {
            Ok(out) => {
                self.in_flight -= 1;
                Ok(Some(out))
            }
            Err(_) => {
                self.in_flight = 0;
                let message = format!("internal error: the {} thread stopped with elements unchecked", self.name);
                Err(ParseError::new(message, Position::default()))
            }
        }
    }
}

impl<In, Out> Drop for Worker<In, Out> {
    fn drop(&mut self) {
        drop(self.batches.take());
        // Unblock a thread waiting to hand a result back, then let it end.
        while self.done.recv().is_ok() {}
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Of the reader's own result and the first error found in what it queued,
/// the one that comes first in the file: elements queued after an error the
/// worker found were read past it.
pub(crate) fn first_in_file(read: Result<(), ParseError>, queued: Option<ParseError>) -> Result<(), ParseError> {
    let Some(queued) = queued else { return read };
    match read {
        Err(read) if read.position.byte_offset <= queued.position.byte_offset => Err(read),
        _ => Err(queued),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn results_come_back_in_the_order_sent_and_the_count_follows() {
        let mut worker = Worker::spawn("test-worker", |n: u32| n * 2).unwrap();
        for n in 0..IN_FLIGHT as u32 {
            worker.send(n).unwrap();
        }
        let mut back = Vec::new();
        while let Some(out) = worker.next().unwrap() {
            back.push(out);
        }
        assert_eq!(back, [0, 2]);
        assert!(worker.next().unwrap().is_none(), "nothing is held after all came back");
        assert!(worker.ready().is_none());
    }

    #[test]
    fn a_thread_that_stops_with_batches_in_hand_is_an_error_naming_it() {
        let mut worker = Worker::spawn("test-dying", |n: u32| if n == 1 { panic!("boom") } else { n }).unwrap();
        worker.send(0).unwrap();
        worker.send(1).unwrap();
        assert_eq!(worker.next().unwrap(), Some(0));
        let error = worker.next().unwrap_err();
        assert!(error.message.contains("test-dying"), "{}", error.message);
        // Once the thread is gone a batch comes back to be processed in line.
        let mut sent_back = None;
        for n in 2..10 {
            if let Err(n) = worker.send(n) {
                sent_back = Some(n);
                break;
            }
        }
        assert!(sent_back.is_some(), "a send to a stopped thread hands the batch back");
    }

    #[test]
    fn the_earlier_error_in_the_file_wins() {
        let at = |byte: u64| ParseError::new("x", Position::offset(byte));
        assert_eq!(first_in_file(Err(at(5)), Some(at(9))).unwrap_err().position.byte_offset, Some(5));
        assert_eq!(first_in_file(Err(at(9)), Some(at(5))).unwrap_err().position.byte_offset, Some(5));
        assert_eq!(first_in_file(Ok(()), Some(at(7))).unwrap_err().position.byte_offset, Some(7));
        assert!(first_in_file(Ok(()), None).is_ok());
        assert_eq!(first_in_file(Err(at(3)), None).unwrap_err().position.byte_offset, Some(3));
    }
}
