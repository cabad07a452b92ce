//! An HTTP server that answers with a body that never ends, for tests of the clients' caps.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// An HTTP server on a loopback port that answers every request with `status_line` (e.g.
/// `HTTP/1.1 200 OK`) and a chunked body of 64 KiB chunks that goes on until the client hangs
/// up (or 64 MiB, so that a client that reads everything fails its test, not the machine).
pub struct EndlessServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    written: Arc<AtomicU64>,
}

impl EndlessServer {
    /// Starts the server on a thread of its own.
    pub fn start(status_line: &'static str) -> Self {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let written = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&written);
        std::thread::spawn(move || {
            for mut socket in listener.incoming().map_while(Result::ok) {
                let counted = Arc::clone(&counted);
                std::thread::spawn(move || {
                    let _ = socket.read(&mut [0u8; 16 * 1024]);
                    let head = format!("{status_line}\r\ntransfer-encoding: chunked\r\n\r\n");
                    let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                    let mut open = socket.write_all(head.as_bytes()).is_ok();
                    for _ in 0..1024 {
                        open = open && socket.write_all(chunk.as_bytes()).is_ok();
                        if !open {
                            return;
                        }
                        counted.fetch_add(0x10000, Ordering::Relaxed);
                    }
                });
            }
        });
        Self { url, written }
    }

    /// How many bytes of body the server has written so far, on every connection.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }
}
