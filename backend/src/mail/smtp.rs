//! The SMTP client: lettre speaks the protocol (EHLO, STARTTLS, AUTH, MAIL/RCPT/DATA),
//! deadpool keeps the connections, and Herald opens the TCP socket itself.
//!
//! Why not lettre's own pooled transport: (1) it leaves Nagle on, and lettre writes the
//! message body and the final "." separately, so every email waits for the server's
//! delayed ACK (~40 ms): about 25 emails/s per connection instead of hundreds (upstream
//! fix lettre#1159 is merged but not released as of 0.11.23); (2) a send cancelled by
//! our timeout would go back to its pool mid-transaction. Here the socket gets
//! TCP_NODELAY, and a connection whose send did not complete is discarded, never reused.

use std::time::Duration;

use deadpool::managed::{self, Metrics, Object, RecycleError, RecycleResult};
use lettre::transport::smtp::{
    authentication::{Credentials, Mechanism},
    client::{AsyncSmtpConnection, TlsParameters},
    extension::ClientId,
    Error as SmtpError,
};

use super::MailSetupError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text (a local relay or a test server).
    None,
    /// STARTTLS required (port 587).
    StartTls,
    /// STARTTLS when the server offers it.
    Opportunistic,
    /// TLS from the first byte (port 465).
    Implicit,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, String)>,
    pub hello: Option<String>,
    pub timeout: Duration,
}

impl SmtpConfig {
    /// Herald's `SMTP_URL`: `smtp://[user:pass@]host[:port][/hello-name]?tls=none|starttls|tls`
    /// (`smtps://` = `tls=tls`; lettre's `required` / `opportunistic` are accepted too).
    pub fn from_url(raw: &str, timeout: Duration) -> Result<Self, MailSetupError> {
        let bad = |m: String| MailSetupError::Url(m);
        let url = url::Url::parse(raw).map_err(|e| bad(e.to_string()))?;
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", _) | ("smtp", Some("tls")) => Security::Implicit,
            ("smtp", None | Some("none")) => Security::None,
            ("smtp", Some("starttls" | "required")) => Security::StartTls,
            ("smtp", Some("opportunistic")) => Security::Opportunistic,
            ("smtp", Some(other)) => {
                return Err(bad(format!(
                    "tls must be none, starttls or tls, not {other:?}"
                )))
            }
            (scheme, _) => {
                return Err(bad(format!("scheme must be smtp or smtps, not {scheme:?}")))
            }
        };
        let host = url
            .host_str()
            .ok_or_else(|| bad("no host".into()))?
            .trim_matches(['[', ']'])
            .to_owned();
        let port = url.port().unwrap_or(match security {
            Security::None => 25,
            Security::StartTls | Security::Opportunistic => 587,
            Security::Implicit => 465,
        });
        let decode = |s: &str| percent_decode(s).map_err(|e| bad(format!("credentials: {e}")));
        let credentials = match url.password() {
            Some(p) => Some((decode(url.username())?, decode(p)?)),
            None => None,
        };
        let hello = Some(url.path().trim_matches('/').to_owned()).filter(|h| !h.is_empty());
        Ok(SmtpConfig {
            host,
            port,
            security,
            credentials,
            hello,
            timeout,
        })
    }

    fn client_id(&self) -> ClientId {
        self.hello.clone().map(ClientId::Domain).unwrap_or_default()
    }
}

fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
}

/// Why a connection could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// lettre's own error: a reply, a TLS or protocol problem.
    #[error(transparent)]
    Smtp(#[from] SmtpError),
    /// The socket itself: refused, unreachable, timed out.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub struct Manager(SmtpConfig);

impl managed::Manager for Manager {
    type Type = AsyncSmtpConnection;
    type Error = ClientError;

    async fn create(&self) -> Result<AsyncSmtpConnection, ClientError> {
        let c = &self.0;
        let hello = c.client_id();
        let connect = async {
            let mut conn = if c.security == Security::Implicit {
                // TLS from the first byte: lettre opens this socket (without TCP_NODELAY).
                let tls = TlsParameters::new(c.host.clone())?;
                AsyncSmtpConnection::connect_tokio1(
                    (c.host.as_str(), c.port),
                    Some(c.timeout),
                    &hello,
                    Some(tls),
                    None,
                )
                .await?
            } else {
                let stream = tokio::net::TcpStream::connect((c.host.as_str(), c.port)).await?;
                stream.set_nodelay(true)?;
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello).await?
            };
            match c.security {
                Security::StartTls => {
                    conn.starttls(TlsParameters::new(c.host.clone())?, &hello)
                        .await?
                }
                Security::Opportunistic if conn.can_starttls() => {
                    conn.starttls(TlsParameters::new(c.host.clone())?, &hello)
                        .await?
                }
                _ => {}
            }
            if let Some((user, pass)) = &c.credentials {
                conn.auth(
                    &[Mechanism::Plain, Mechanism::Login],
                    &Credentials::new(user.clone(), pass.clone()),
                )
                .await?;
            }
            Ok::<_, ClientError>(conn)
        };
        match tokio::time::timeout(c.timeout, connect).await {
            Ok(result) => result,
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "connecting timed out",
            )
            .into()),
        }
    }

    async fn recycle(
        &self,
        conn: &mut AsyncSmtpConnection,
        metrics: &Metrics,
    ) -> RecycleResult<ClientError> {
        if conn.has_broken() {
            return Err(RecycleError::message("connection broken"));
        }
        // Servers drop idle sessions: check one that has rested a while before using it.
        if metrics.last_used() > Duration::from_secs(20) && !conn.test_connected().await {
            return Err(RecycleError::message(
                "idle connection closed by the server",
            ));
        }
        Ok(())
    }
}

pub type SmtpPool = managed::Pool<Manager>;

pub fn pool(config: SmtpConfig, size: usize) -> Result<SmtpPool, MailSetupError> {
    let wait = config.timeout;
    managed::Pool::builder(Manager(config))
        .max_size(size.max(1))
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(wait))
        .build()
        .map_err(|e| MailSetupError::Url(e.to_string()))
}

/// A pooled connection during one send. If the send does not complete (our timeout
/// dropped the future), the connection is detached from the pool and closed instead of
/// going back mid-transaction.
pub struct InFlight(Option<Object<Manager>>);

impl InFlight {
    pub fn new(conn: Object<Manager>) -> Self {
        InFlight(Some(conn))
    }

    pub fn conn(&mut self) -> &mut AsyncSmtpConnection {
        self.0.as_mut().expect("present until finished")
    }

    /// The send completed: the connection may be reused (lettre marks it broken on error).
    pub fn finish(mut self) {
        drop(self.0.take());
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(obj) = self.0.take() {
            drop(Object::take(obj));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_translate_to_settings() {
        let t = Duration::from_secs(5);
        let c = SmtpConfig::from_url("smtp://u%40x:p%2Fw@mail.example.com:587?tls=starttls", t)
            .unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.security),
            ("mail.example.com", 587, Security::StartTls)
        );
        assert_eq!(c.credentials, Some(("u@x".into(), "p/w".into())));
        assert_eq!(
            SmtpConfig::from_url("smtp://127.0.0.1:2525?tls=none", t)
                .unwrap()
                .security,
            Security::None
        );
        assert_eq!(
            SmtpConfig::from_url("smtp://h?tls=tls", t).unwrap().port,
            465
        );
        assert_eq!(
            SmtpConfig::from_url("smtps://h", t).unwrap().security,
            Security::Implicit
        );
        assert!(SmtpConfig::from_url("smtp://h?tls=maybe", t).is_err());
        assert!(SmtpConfig::from_url("http://h", t).is_err());
    }
}
