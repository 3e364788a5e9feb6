//! A capturing, fault-injecting SMTP server for integration tests.
//!
//! Herald delivers mail with lettre's pooled async transport, and the delivery guarantees
//! in SPEC.md ("the SMTP server may be slow, answer garbage, refuse (4xx/5xx), or be
//! unreachable") can only be tested against a server that misbehaves on cue. This module is
//! that server: it speaks just enough plain-text ESMTP for lettre, stores every accepted
//! message in memory, and lets a test script failures per transaction.
//!
//! Usage, inside a `#[tokio::test]` (either runtime flavour):
//!
//! ```ignore
//! let smtp = TestSmtp::start().await;          // one server per test; it lives on that runtime
//! // point the app at smtp.url() ...
//! smtp.push_faults([Fault::RejectRcpt { code: 451, text: "4.3.0 try later".into() }]);
//! let mail = smtp.wait_for_email_to("ann@example.com", Duration::from_secs(10)).await;
//! assert_eq!(mail.subject(), "Welcome");
//! let link = mail.find_link("http://127.0.0.1:8080/verify-email?token=").unwrap();
//! ```
//!
//! Design notes:
//! - One tokio task per connection, buffered reads (`read_until` on a `BufReader`), so a
//!   benchmark can push thousands of messages through it.
//! - Shared state sits behind `std::sync::Mutex`es that are only ever held for a few
//!   non-async statements, never across an `.await`.
//! - A message counts as *captured* only when the server answered `250` to the final `.`;
//!   every fault that denies the client a positive reply also leaves nothing captured, so
//!   "exactly one copy arrived" assertions stay meaningful after retries.
//! - Client misbehaviour (disconnects at any point, garbage, I/O errors) ends that
//!   connection's task quietly; nothing in the server path panics.
//! - The server is tied to the runtime that called [`TestSmtp::start`]: `#[tokio::test]`
//!   builds a fresh runtime per test, so start a fresh server per test (not in a `static`).

// The test binary uses only part of this API in any given revision.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::watch;

/// Name used in the greeting and EHLO reply.
const HOSTNAME: &str = "test-smtp";
/// Interval of the `wait_for_*` polls.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// EHLO reply. Deliberately no PIPELINING (the fault logic relies on lock-step
/// command/reply), no STARTTLS and no AUTH (tests run over plain TCP without credentials).
const EHLO_REPLY: &[u8] = b"250-test-smtp\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800\r\n";

/// A misbehaviour to inject into one SMTP transaction (one `MAIL FROM` ... `.`).
///
/// Faults are consumed in FIFO order, one per `MAIL FROM` received on any connection (see
/// [`TestSmtp::push_faults`]); when the script is empty the default fault, if any, applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Behave normally for this transaction. Useful in a script on top of a default fault,
    /// e.g. default 550 but let the third attempt through.
    Accept,
    /// Reply `code text` to `MAIL FROM` (e.g. 421 / 451 / 550); the transaction never starts.
    RejectMail { code: u16, text: String },
    /// Reply `code text` to every `RCPT TO` of the transaction (451 temporary, 550 permanent).
    RejectRcpt { code: u16, text: String },
    /// Read the whole message, then reply `code text` to the final `.`; nothing is captured.
    RejectData { code: u16, text: String },
    /// Sleep this long before replying `250` to the final `.`, to exceed a client timeout.
    /// If the client hangs up or sends anything during the wait (without PIPELINING a client
    /// may only do so after giving up), the message counts as abandoned: it is not captured
    /// and the connection is closed. Otherwise it is captured, like a real slow server would.
    ///
    /// Caveat: lettre 0.11's tokio transport applies `.timeout()` to connecting only, so the
    /// caller has to wrap `send` in `tokio::time::timeout`; the cancelled send then returns
    /// its half-used connection to lettre's pool, still open. If the pool reuses it during
    /// the delay, its `NOOP` makes the server drop it (not captured); if not, the message is
    /// captured once the delay ends. Use [`Fault::Stall`] when a test needs "never delivered".
    SlowReply(Duration),
    /// Never answer the final `.`: wait this long, then close the connection. Nothing is
    /// captured, whatever the client does meanwhile (deterministic "timed out, not sent").
    Stall(Duration),
    /// Close the TCP connection after the first line of message content; nothing captured.
    DropMidData,
    /// Reply `hello there` (not an SMTP reply) to the final `.`; nothing captured. The
    /// connection stays open, so the client may still `QUIT`.
    MalformedReply,
}

/// One message the server accepted with `250`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedEmail {
    /// Envelope sender (the address inside `MAIL FROM:<...>`; empty for the null sender).
    pub mail_from: String,
    /// Envelope recipients, in `RCPT TO` order, as the client spelled them.
    pub rcpt_to: Vec<String>,
    /// Message content as received (CRLF line ends, dot-stuffing undone). Bytes that are not
    /// UTF-8 are replaced with U+FFFD.
    pub raw: String,
}

impl CapturedEmail {
    /// The message parsed by mail-parser, for assertions the helpers below don't cover.
    ///
    /// Panics if mail-parser cannot parse it at all (it is very lenient, so that means the
    /// captured content is not an email).
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(self.raw.as_bytes())
            .unwrap_or_else(|| panic!("captured message is not parseable:\n{}", self.raw))
    }

    /// The decoded `Subject` (RFC 2047 encoded words resolved); empty if there is none.
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The text/plain body, transfer-decoded (quoted-printable / base64) and with CRLF
    /// normalised to `\n` so it compares against Rust string literals. Falls back to
    /// mail-parser's text rendering of the HTML body for an HTML-only message, and to an
    /// empty string for a message without a body.
    ///
    /// In a single-part message the body ends with one more line break than the app wrote:
    /// lettre always ends the DATA stream with `\r\n.\r\n`, and that first CRLF terminates
    /// the last content line. Compare with `trim_end()` or use `contains` there.
    pub fn text_body(&self) -> String {
        let msg = self.parsed();
        let plain = msg.text_bodies().find_map(|part| match &part.body {
            mail_parser::PartType::Text(text) => Some(text.to_string()),
            _ => None,
        });
        let text = plain.or_else(|| msg.body_text(0).map(std::borrow::Cow::into_owned));
        normalize_newlines(text.unwrap_or_default())
    }

    /// The text/html body, decoded and CRLF-normalised like [`Self::text_body`]; `None`
    /// unless the message really has an HTML part (mail-parser would otherwise synthesise
    /// HTML from the text part, which would hide a missing HTML alternative).
    pub fn html_body(&self) -> Option<String> {
        let msg = self.parsed();
        let html = msg.html_bodies().find_map(|part| match &part.body {
            mail_parser::PartType::Html(html) => Some(html.to_string()),
            _ => None,
        });
        html.map(normalize_newlines)
    }

    /// The first top-level header called `name` (case-insensitive): the raw value (not
    /// RFC 2047 decoded), unfolded and trimmed. `header("Message-ID")` gives `<id@host>`.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers(name).into_iter().next()
    }

    /// Every top-level header called `name` (case-insensitive), in order, as [`Self::header`].
    pub fn headers(&self, name: &str) -> Vec<String> {
        // Parsed by hand rather than through mail-parser so the value is exactly what was
        // sent: the header section ends at the first empty line; a line starting with
        // space or tab continues the previous field (unfolding removes only the CRLF).
        let mut found = Vec::new();
        let mut current: Option<(String, String)> = None;
        let flush = |field: Option<(String, String)>, found: &mut Vec<String>| {
            if let Some((field_name, value)) = field {
                if field_name.eq_ignore_ascii_case(name) {
                    found.push(value.trim().to_owned());
                }
            }
        };
        for line in self.raw.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(line);
                }
                continue;
            }
            flush(current.take(), &mut found);
            current = line
                .split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.to_owned()));
        }
        flush(current, &mut found);
        found
    }

    /// The `Message-ID` without its angle brackets (`id@host`), as mail-parser reports it.
    /// Use `header("Message-ID")` for the bracketed form.
    pub fn message_id(&self) -> Option<String> {
        self.parsed().message_id().map(str::to_owned)
    }

    /// The first URL starting with `prefix` in the text body (or, failing that, in the HTML
    /// body), e.g. `find_link("http://127.0.0.1:1234/verify-email?token=")`.
    ///
    /// The URL ends at whitespace or at a character that cannot appear unescaped in a URL
    /// (`<`, `>`, `"`, `'`); sentence punctuation directly after it (`.,;:!?)]`) is dropped.
    /// In the HTML body `&amp;` is turned back into `&`.
    pub fn find_link(&self, prefix: &str) -> Option<String> {
        find_url(&self.text_body(), prefix).or_else(|| {
            self.html_body()
                .and_then(|html| find_url(&html, prefix))
                .map(|url| url.replace("&amp;", "&"))
        })
    }
}

fn normalize_newlines(s: String) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n")
    } else {
        s
    }
}

fn find_url(haystack: &str, prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return None;
    }
    let start = haystack.find(prefix)?;
    let rest = &haystack[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
        .unwrap_or(rest.len());
    let mut url = &rest[..end];
    // Only trim what lies beyond the prefix, so a prefix ending in '?' or ':' survives.
    while url.len() > prefix.len() && url.ends_with(['.', ',', ';', ':', '!', '?', ')', ']']) {
        url = &url[..url.len() - 1];
    }
    Some(url.to_owned())
}

/// Handle to a running test server. Cheap to clone; all clones share one server.
#[derive(Clone)]
pub struct TestSmtp {
    inner: Arc<Inner>,
}

struct Inner {
    port: u16,
    /// The runtime the server was started on, so `set_refusing(false)` can register a new
    /// listener with its reactor even when called from a plain thread.
    runtime: Handle,
    /// `None` while refusing. Polled (not awaited) by the accept loop so `set_refusing`
    /// can drop it synchronously: the port is closed the moment the call returns.
    listener: Mutex<Option<TcpListener>>,
    /// `true` while refusing; connection tasks watch it and close when it turns true.
    refusing: watch::Sender<bool>,
    emails: Mutex<Vec<CapturedEmail>>,
    faults: Mutex<VecDeque<Fault>>,
    default_fault: Mutex<Option<Fault>>,
    connections: AtomicUsize,
    transactions: AtomicUsize,
}

/// Locks a mutex, ignoring poisoning: a panicking test thread must not turn every later
/// server call into a second, confusing panic.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Binds a listener with `SO_REUSEADDR`, so the same port can be re-bound after
/// `set_refusing(true)` even while old connections linger in `TIME_WAIT`.
fn bind_listener(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

impl TestSmtp {
    /// Binds `127.0.0.1:0` and spawns the accept loop on the current tokio runtime.
    ///
    /// Panics if called outside a tokio runtime or if binding fails.
    pub async fn start() -> TestSmtp {
        let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
        let listener = bind_listener(addr).expect("test SMTP server: bind 127.0.0.1:0");
        let port = listener
            .local_addr()
            .expect("test SMTP server: local_addr")
            .port();
        let (refusing, _) = watch::channel(false);
        let inner = Arc::new(Inner {
            port,
            runtime: Handle::current(),
            listener: Mutex::new(Some(listener)),
            refusing,
            emails: Mutex::new(Vec::new()),
            faults: Mutex::new(VecDeque::new()),
            default_fault: Mutex::new(None),
            connections: AtomicUsize::new(0),
            transactions: AtomicUsize::new(0),
        });
        tokio::spawn(accept_loop(Arc::clone(&inner)));
        TestSmtp { inner }
    }

    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// Herald's `SMTP_URL` for this server: `smtp://127.0.0.1:{port}?tls=none`.
    ///
    /// Note: lettre's own `from_url` rejects `tls=none` (Herald's config dialect); for a
    /// bare lettre transport use [`Self::lettre_url`].
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port())
    }

    /// The same server as a URL lettre's `AsyncSmtpTransport::from_url` accepts (plain SMTP).
    pub fn lettre_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port())
    }

    /// Every accepted message so far, in order of acceptance.
    pub fn emails(&self) -> Vec<CapturedEmail> {
        lock(&self.inner.emails).clone()
    }

    /// How many messages were accepted so far (cheaper than `emails().len()`).
    pub fn email_count(&self) -> usize {
        lock(&self.inner.emails).len()
    }

    /// Accepted messages with `rcpt` among their envelope recipients (case-insensitive).
    pub fn emails_to(&self, rcpt: &str) -> Vec<CapturedEmail> {
        lock(&self.inner.emails)
            .iter()
            .filter(|e| addressed_to(e, rcpt))
            .cloned()
            .collect()
    }

    /// Forgets all captured messages (counters and fault script are kept).
    pub fn clear(&self) {
        lock(&self.inner.emails).clear();
    }

    /// Waits for the first message to `rcpt` (case-insensitive) and returns it, polling
    /// every 20 ms. Panics at the deadline, listing what was captured instead.
    pub async fn wait_for_email_to(&self, rcpt: &str, timeout: Duration) -> CapturedEmail {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let found = lock(&self.inner.emails)
                .iter()
                .find(|e| addressed_to(e, rcpt))
                .cloned();
            if let Some(email) = found {
                return email;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "test SMTP server: no email to {rcpt:?} within {timeout:?}; {}",
                    self.summary()
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Waits until at least `n` messages were accepted, polling every 20 ms. Panics at the
    /// deadline.
    pub async fn wait_for_count(&self, n: usize, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.email_count() >= n {
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "test SMTP server: expected at least {n} emails within {timeout:?}; {}",
                    self.summary()
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Appends faults to the FIFO script. Each `MAIL FROM` (on any connection) consumes the
    /// next one; when the script is empty the default fault applies (or normal behaviour).
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.inner.faults).extend(faults);
    }

    /// Fault applied to every transaction while the script is empty; `None` to behave
    /// normally again.
    pub fn set_default_fault(&self, fault: Option<Fault>) {
        *lock(&self.inner.default_fault) = fault;
    }

    /// Simulates an unreachable server. `true` closes the listening socket (new connects get
    /// "connection refused") and closes every open connection, including idle pooled ones,
    /// so a pooled client cannot keep sending. `false` re-binds the same port; the server is
    /// reachable again as soon as the call returns.
    ///
    /// Panics if the port cannot be re-bound (another socket took it meanwhile, which is
    /// very unlikely on loopback).
    pub fn set_refusing(&self, refusing: bool) {
        let inner = &self.inner;
        if refusing {
            // Flag first, so a connection accepted in the meantime is closed on sight.
            inner.refusing.send_replace(true);
            drop(lock(&inner.listener).take());
            return;
        }
        {
            let mut slot = lock(&inner.listener);
            if slot.is_none() {
                let _runtime = inner.runtime.enter();
                let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, inner.port));
                let mut attempt = 0;
                let listener = loop {
                    match bind_listener(addr) {
                        Ok(listener) => break listener,
                        Err(err) if attempt < 20 => {
                            let _ = err;
                            attempt += 1;
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(err) => panic!("test SMTP server: cannot re-bind {addr}: {err}"),
                    }
                };
                *slot = Some(listener);
            }
        }
        // Wakes the accept loop, which then polls the new listener.
        inner.refusing.send_replace(false);
    }

    /// TCP connections accepted in total (including ones closed at once while refusing).
    pub fn connections(&self) -> usize {
        self.inner.connections.load(Ordering::SeqCst)
    }

    /// `MAIL FROM` commands seen in total, whether or not the transaction succeeded.
    pub fn transactions(&self) -> usize {
        self.inner.transactions.load(Ordering::SeqCst)
    }

    /// One-line description of the captured mail, for panic messages.
    fn summary(&self) -> String {
        let emails = lock(&self.inner.emails);
        let rcpts: Vec<String> = emails.iter().map(|e| e.rcpt_to.join(",")).collect();
        format!(
            "{} captured (recipients: {:?}), {} connections, {} transactions",
            emails.len(),
            rcpts,
            self.connections(),
            self.transactions()
        )
    }
}

fn addressed_to(email: &CapturedEmail, rcpt: &str) -> bool {
    let rcpt = rcpt.trim().to_lowercase();
    email.rcpt_to.iter().any(|r| r.to_lowercase() == rcpt)
}

impl Inner {
    /// Polls the current listener; pending while refusing (the watch wakes the loop).
    fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        match lock(&self.listener).as_ref() {
            Some(listener) => listener.poll_accept(cx),
            None => Poll::Pending,
        }
    }

    /// Takes the fault for a new transaction: script first, then the default.
    fn next_fault(&self) -> Option<Fault> {
        let scripted = lock(&self.faults).pop_front();
        scripted.or_else(|| lock(&self.default_fault).clone())
    }
}

async fn accept_loop(inner: Arc<Inner>) {
    let mut refusing = inner.refusing.subscribe();
    loop {
        let accepted = tokio::select! {
            accepted = poll_fn(|cx| inner.poll_accept(cx)) => accepted,
            changed = refusing.changed() => {
                if changed.is_err() {
                    return; // cannot happen while we hold `inner`, but never spin
                }
                // The listener was dropped or replaced: poll again so the waker is
                // registered with the current one.
                continue;
            }
        };
        match accepted {
            Ok((stream, _peer)) => {
                inner.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve_connection(Arc::clone(&inner), stream));
            }
            // E.g. EMFILE under a heavy benchmark: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Runs one SMTP session, cut short (socket closed) as soon as the server starts refusing.
async fn serve_connection(inner: Arc<Inner>, stream: TcpStream) {
    let mut refusing = inner.refusing.subscribe();
    if *refusing.borrow_and_update() {
        return; // accepted in the instant before the listener was dropped
    }
    let _ = stream.set_nodelay(true);
    let quick_ack = QuickAck::new(&stream);
    let mut io = BufReader::with_capacity(16 * 1024, stream);
    tokio::select! {
        // Errors mean the client went away or misbehaved; either way the session is over.
        _ = session(&inner, &mut io, &quick_ack) => {}
        _ = refusing.wait_for(|refusing| *refusing) => {}
    }
}

/// Works around a ~40 ms stall per message on Linux.
///
/// lettre 0.11 sends the message and the final `\r\n.\r\n` as two writes on a socket
/// without `TCP_NODELAY`. Because SMTP is request/reply, the kernel treats our side as
/// interactive and delays its ACK of the message (up to 40 ms) hoping to piggyback it on a
/// reply, while the client's Nagle algorithm holds the terminator back until that ACK comes:
/// every message would wait out the delayed-ACK timer, capping a pooled connection near
/// 20 messages/s. Setting `TCP_QUICKACK` after the `354` makes the kernel ACK the message at
/// once. The option is set through a duplicate of the socket's descriptor (same socket),
/// which keeps this free of `unsafe`; it is dropped together with the connection.
struct QuickAck(Option<std::net::TcpStream>);

impl QuickAck {
    fn new(stream: &TcpStream) -> QuickAck {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsFd;
            let dup = stream.as_fd().try_clone_to_owned().ok();
            QuickAck(dup.map(std::net::TcpStream::from))
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = stream;
            QuickAck(None)
        }
    }

    /// Best effort: the option is not sticky (the kernel leaves quick-ACK mode again by
    /// itself), so it is re-armed before each message.
    fn arm(&self) {
        #[cfg(target_os = "linux")]
        if let Some(socket) = &self.0 {
            use std::os::linux::net::TcpStreamExt;
            let _ = socket.set_quickack(true);
        }
    }
}

/// The state of the transaction opened by `MAIL FROM`.
struct Transaction {
    mail_from: String,
    rcpt_to: Vec<String>,
    fault: Option<Fault>,
}

type Conn = BufReader<TcpStream>;

async fn reply(io: &mut Conn, text: &str) -> io::Result<()> {
    io.get_mut().write_all(text.as_bytes()).await
}

async fn session(inner: &Inner, io: &mut Conn, quick_ack: &QuickAck) -> io::Result<()> {
    reply(io, "220 test-smtp ESMTP\r\n").await?;
    let mut line = Vec::with_capacity(512);
    let mut txn: Option<Transaction> = None;
    loop {
        line.clear();
        if io.read_until(b'\n', &mut line).await? == 0 {
            return Ok(()); // client closed
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end_matches(['\r', '\n']);
        let (verb, arg) = command.split_once(' ').unwrap_or((command, ""));
        let arg = arg.trim();
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                txn = None;
                io.get_mut().write_all(EHLO_REPLY).await?;
            }
            "HELO" => {
                txn = None;
                reply(io, &format!("250 {HOSTNAME}\r\n")).await?;
            }
            "MAIL" => {
                inner.transactions.fetch_add(1, Ordering::SeqCst);
                if txn.is_some() {
                    reply(io, "503 5.5.1 Error: nested MAIL command\r\n").await?;
                    continue;
                }
                let Some(mail_from) = path_argument(arg, "FROM:") else {
                    reply(io, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n").await?;
                    continue;
                };
                match inner.next_fault() {
                    Some(Fault::RejectMail { code, text }) => {
                        reply(io, &format!("{code} {text}\r\n")).await?;
                    }
                    fault => {
                        txn = Some(Transaction {
                            mail_from,
                            rcpt_to: Vec::new(),
                            fault,
                        });
                        reply(io, "250 2.1.0 Ok\r\n").await?;
                    }
                }
            }
            "RCPT" => {
                let Some(t) = txn.as_mut() else {
                    reply(io, "503 5.5.1 Error: need MAIL command\r\n").await?;
                    continue;
                };
                let Some(rcpt) = path_argument(arg, "TO:") else {
                    reply(io, "501 5.5.4 Syntax: RCPT TO:<address>\r\n").await?;
                    continue;
                };
                if let Some(Fault::RejectRcpt { code, text }) = &t.fault {
                    let text = format!("{code} {text}\r\n");
                    reply(io, &text).await?;
                } else {
                    t.rcpt_to.push(rcpt);
                    reply(io, "250 2.1.5 Ok\r\n").await?;
                }
            }
            "DATA" => {
                let Some(t) = txn.take_if(|t| !t.rcpt_to.is_empty()) else {
                    let text = if txn.is_some() {
                        "554 5.5.1 Error: no valid recipients\r\n"
                    } else {
                        "503 5.5.1 Error: need MAIL command\r\n"
                    };
                    reply(io, text).await?;
                    continue;
                };
                reply(io, "354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                quick_ack.arm();
                if t.fault == Some(Fault::DropMidData) {
                    line.clear();
                    let _ = io.read_until(b'\n', &mut line).await;
                    return Ok(()); // dropping the socket closes it mid-message
                }
                let Some(body) = read_data(io, &mut line).await? else {
                    return Ok(()); // client vanished before the final "."
                };
                let email = CapturedEmail {
                    mail_from: t.mail_from,
                    rcpt_to: t.rcpt_to,
                    raw: String::from_utf8(body)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                };
                match t.fault {
                    Some(Fault::RejectData { code, text }) => {
                        reply(io, &format!("{code} {text}\r\n")).await?;
                    }
                    Some(Fault::MalformedReply) => {
                        reply(io, "hello there\r\n").await?;
                    }
                    Some(Fault::Stall(delay)) => {
                        let _ = client_waits(io, delay).await;
                        return Ok(());
                    }
                    Some(Fault::SlowReply(delay)) => {
                        if !client_waits(io, delay).await {
                            return Ok(()); // abandoned: not captured, close
                        }
                        lock(&inner.emails).push(email);
                        reply(io, "250 2.0.0 Ok: queued\r\n").await?;
                    }
                    _ => {
                        lock(&inner.emails).push(email);
                        reply(io, "250 2.0.0 Ok: queued\r\n").await?;
                    }
                }
            }
            "RSET" => {
                txn = None;
                reply(io, "250 2.0.0 Ok\r\n").await?;
            }
            "NOOP" => reply(io, "250 2.0.0 Ok\r\n").await?,
            "VRFY" => reply(io, "252 2.0.0 Cannot VRFY user\r\n").await?,
            "QUIT" => {
                reply(io, "221 2.0.0 Bye\r\n").await?;
                let _ = io.get_mut().shutdown().await;
                return Ok(());
            }
            _ => reply(io, "500 5.5.2 Error: command not recognized\r\n").await?,
        }
    }
}

/// Extracts the address of `FROM:<addr> [params]` / `TO:<addr> [params]` (keyword matched
/// case-insensitively, optional space after the colon, angle brackets optional).
fn path_argument(arg: &str, keyword: &str) -> Option<String> {
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        Some(inner[..end].to_owned())
    } else {
        let addr = rest.split_whitespace().next()?;
        Some(addr.to_owned())
    }
}

/// Reads message content up to the lone "." line, undoing dot-stuffing. `None` if the
/// client disconnected first.
async fn read_data(io: &mut Conn, line: &mut Vec<u8>) -> io::Result<Option<Vec<u8>>> {
    let mut body = Vec::with_capacity(4096);
    loop {
        line.clear();
        if io.read_until(b'\n', line).await? == 0 {
            return Ok(None);
        }
        match line.as_slice() {
            b".\r\n" | b".\n" => return Ok(Some(body)),
            [b'.', rest @ ..] => body.extend_from_slice(rest),
            all => body.extend_from_slice(all),
        }
    }
}

/// Sleeps `delay` while watching the socket. Returns `false` if the client closed it or
/// sent anything meanwhile (without PIPELINING that means it gave up waiting).
async fn client_waits(io: &mut Conn, delay: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(delay) => true,
        _ = io.fill_buf() => false,
    }
}
