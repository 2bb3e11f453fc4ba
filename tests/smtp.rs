//! A real SMTP server for the mail tests, listening on a TCP port of its
//! own (mailin-embedded), which keeps what it receives.

use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{NO_MAILBOX, OK};
use mailin_embedded::{Handler, Response, Server};

/// A message as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.raw).expect("a parsable message")
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The text part as a reader shows it that joins its soft line breaks
    /// (it is `format=flowed`): each paragraph on one line.
    pub fn text(&self) -> String {
        redress::mail::wrap::unflow(&self.wrapped())
    }

    /// The text part as sent, wrapped, as a reader shows it that does not
    /// join lines.
    pub fn wrapped(&self) -> String {
        self.parsed().body_text(0).map(|t| t.into_owned()).unwrap_or_default()
    }

    /// The text part's `format` and `delsp` parameters.
    pub fn text_format(&self) -> (Option<String>, Option<String>) {
        use mail_parser::MimeHeaders;
        let parsed = self.parsed();
        let kind = parsed.text_part(0).and_then(|p| p.content_type());
        let param = |name| kind.and_then(|k| k.attribute(name)).map(str::to_owned);
        (param("format"), param("delsp"))
    }
}

#[derive(Clone)]
struct Inbox {
    received: Arc<Mutex<Vec<Received>>>,
    /// How long each message takes to accept, like a real relay's.
    delay: std::time::Duration,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Inbox {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        OK
    }

    /// Addresses at bounce.example.cn do not exist: a permanent failure.
    fn rcpt(&mut self, to: &str) -> Response {
        if to.contains("@bounce.example.cn") { NO_MAILBOX } else { OK }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        std::thread::sleep(self.delay);
        let message = Received { to: std::mem::take(&mut self.to), raw: std::mem::take(&mut self.data) };
        self.received.lock().unwrap().push(message);
        OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        SmtpServer::on(listener)
    }

    /// Starts a server on `port` (one that was free a moment ago).
    pub fn start_on(port: u16) -> SmtpServer {
        SmtpServer::on(TcpListener::bind(("127.0.0.1", port)).expect("the port is still free"))
    }

    /// A server that takes `delay` to accept each message.
    pub fn start_slow(delay: std::time::Duration) -> SmtpServer {
        SmtpServer::serve(TcpListener::bind("127.0.0.1:0").unwrap(), delay)
    }

    fn on(listener: TcpListener) -> SmtpServer {
        SmtpServer::serve(listener, std::time::Duration::ZERO)
    }

    fn serve(listener: TcpListener, delay: std::time::Duration) -> SmtpServer {
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let inbox = Inbox { received: received.clone(), delay, to: Vec::new(), data: Vec::new() };
        let mut server = Server::new(inbox);
        server.with_name("smtp.test").with_num_threads(4).with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, received }
    }

    /// A port with nothing listening on it (for now).
    pub fn unused_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    pub fn url(port: u16) -> String {
        format!("smtp://127.0.0.1:{port}")
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// What arrived for `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received().into_iter().filter(|m| m.to.iter().any(|t| t == address)).collect()
    }
}
