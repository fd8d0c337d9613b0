//! A guard in front of the multipart parser: the parser buffers a part's headers until their
//! blank line however long that takes, so this stream adapter refuses a part whose headers run
//! past [`HEADER_LIMIT`] bytes, and a body past `total` bytes (one sent without a length).

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::Stream;

/// The most a part's headers may hold (a browser sends a few hundred bytes).
pub const HEADER_LIMIT: usize = 16 * 1024;

const BLANK_LINE: &[u8] = b"\r\n\r\n";

/// Watches a multipart body for part headers longer than [`HEADER_LIMIT`].
pub struct PartHeaders<S> {
    inner: S,
    /// `\r\n--boundary`: what starts a part (the body is read as if after a line break).
    delimiter: Vec<u8>,
    /// The last bytes seen, so that a delimiter split over two chunks is found.
    tail: Vec<u8>,
    /// Header bytes of the current part so far, while in its headers.
    in_headers: Option<usize>,
    read: u64,
    total: u64,
}

impl<S> PartHeaders<S> {
    pub fn new(inner: S, boundary: &str, total: u64) -> PartHeaders<S> {
        PartHeaders {
            inner,
            delimiter: [b"\r\n--", boundary.as_bytes()].concat(),
            tail: b"\r\n".to_vec(),
            in_headers: None,
            read: 0,
            total,
        }
    }

    /// Follows the parts through `chunk`; an error when a part's headers grow too long.
    fn watch(&mut self, chunk: &[u8]) -> Result<(), PayloadError> {
        let seam = self.tail.len();
        let region = [self.tail.as_slice(), chunk].concat();
        let mut at = 0;
        loop {
            match self.in_headers {
                Some(seen) => {
                    let end = find(&region[at..], BLANK_LINE).map(|i| at + i);
                    // Only bytes of this chunk count: the tail was counted before.
                    let new = end.unwrap_or(region.len()).saturating_sub(at.max(seam));
                    if seen + new > HEADER_LIMIT {
                        return Err(too_long());
                    }
                    match end {
                        Some(e) => {
                            self.in_headers = None;
                            at = e + BLANK_LINE.len();
                        }
                        None => {
                            self.in_headers = Some(seen + new);
                            break;
                        }
                    }
                }
                None => match find(&region[at..], &self.delimiter) {
                    Some(i) => {
                        self.in_headers = Some(0);
                        at += i + self.delimiter.len();
                    }
                    None => break,
                },
            }
        }
        let keep = self.delimiter.len().max(BLANK_LINE.len());
        let from = region.len().saturating_sub(keep).max(at.min(region.len()));
        self.tail = region[from..].to_vec();
        Ok(())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn too_long() -> PayloadError {
    PayloadError::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("a part's headers are longer than {HEADER_LIMIT} bytes"),
    ))
}

impl<S> Stream for PartHeaders<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &next {
            self.read += chunk.len() as u64;
            if self.read > self.total {
                return Poll::Ready(Some(Err(PayloadError::Overflow)));
            }
            let chunk = chunk.clone();
            if let Err(e) = self.watch(&chunk) {
                return Poll::Ready(Some(Err(e)));
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &[u8], chunk: usize) -> Result<(), PayloadError> {
        let mut guard = PartHeaders::new(
            futures_util::stream::empty::<Result<Bytes, PayloadError>>(),
            "XyZ",
            u64::MAX,
        );
        body.chunks(chunk).try_for_each(|c| guard.watch(c))
    }

    #[test]
    fn long_part_headers_are_refused_however_the_body_is_cut() {
        let good = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.png\"\r\n\r\n";
        let mut big_file = good.to_vec();
        big_file.extend(std::iter::repeat_n(b'x', 100_000));
        big_file.extend_from_slice(b"\r\n--XyZ--\r\n");
        let mut long = b"--XyZ\r\nX-Padding: ".to_vec();
        long.extend(std::iter::repeat_n(b'a', HEADER_LIMIT + 10));
        for chunk in [1, 3, 7, 64, 4096, 1 << 20] {
            assert!(
                run(&big_file, chunk).is_ok(),
                "a long file body is fine ({chunk})"
            );
            assert!(run(&long, chunk).is_err(), "long headers are not ({chunk})");
        }
        // The second part's headers count from its own boundary.
        let mut second = big_file.clone();
        second.truncate(second.len() - 4);
        second.extend_from_slice(b"\r\nX: ");
        second.extend(std::iter::repeat_n(b'b', HEADER_LIMIT));
        assert!(run(&second, 4096).is_err());
        // Long headers that do end, within one chunk, are refused too.
        let mut ended = long.clone();
        ended.extend_from_slice(b"\r\n\r\nbody");
        assert!(run(&ended, 1 << 20).is_err());
    }
}
