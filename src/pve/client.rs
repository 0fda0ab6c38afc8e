//! An HTTP client for the Proxmox VE API: token authentication, TLS with the cluster's
//! own CA (or, when the user says so, none), timeouts, retries of what PVE documents
//! as passing trouble, and a coded diagnostic for every way a request can fail.

use super::Settings;
use crate::diag::{Code, Diagnostic};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

/// How long a connection may take to open, and a whole request to finish.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest answer read (a cluster of 10,000 guests lists in about 5 MB).
const MAX_ANSWER: u64 = 64 << 20;
/// Waits before the second and third try of a request that failed in passing.
const RETRY_WAITS: [Duration; 2] = [Duration::from_millis(300), Duration::from_secs(1)];

pub struct Client {
    agent: ureq::Agent,
    settings: Settings,
}

impl Client {
    /// A client for the cluster; reads the CA file now, so a missing one is reported
    /// before any request.
    pub fn new(settings: Settings) -> Result<Client, Diagnostic> {
        let mut tls = TlsConfig::builder().disable_verification(settings.insecure);
        if let Some(path) = &settings.ca_file {
            tls = tls.root_certs(RootCerts::Specific(Arc::new(read_ca_file(path)?)));
        }
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("pxic/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls.build())
            .build();
        Ok(Client {
            agent: ureq::Agent::new_with_config(config),
            settings,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// `GET /api2/json<path>`: the answer's `data`. Retried when PVE answers that it
    /// is busy for a moment (a cluster file system timeout, a node's proxy).
    pub fn get(&self, path: &str) -> Result<Value, Diagnostic> {
        let url = format!("{}/api2/json{path}", self.settings.endpoint);
        let mut waits = RETRY_WAITS.iter();
        loop {
            let failure = match self.get_once(&url) {
                Ok(data) => return Ok(data),
                Err(failure) => failure,
            };
            match (failure.is_passing(), waits.next()) {
                (true, Some(wait)) => std::thread::sleep(*wait),
                _ => return Err(failure.diagnostic(&self.settings, path)),
            }
        }
    }

    fn get_once(&self, url: &str) -> Result<Value, Failure> {
        let mut response = self
            .agent
            .get(url)
            .header("Authorization", self.settings.token.header())
            .call()
            .map_err(Failure::Transport)?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .map_err(Failure::Transport)?;
        let answer: Option<Value> = serde_json::from_str(&body).ok();
        if status != 200 {
            // PVE says why in the status line, which the HTTP stack drops, and in the
            // answer's `message` (`errors` for bad parameters).
            let message = answer
                .as_ref()
                .and_then(|a| a.get("message"))
                .and_then(Value::as_str)
                .map(|m| m.trim().to_string())
                .unwrap_or_default();
            return Err(Failure::Status(status, message));
        }
        match answer {
            Some(Value::Object(mut fields)) => Ok(fields.remove("data").unwrap_or(Value::Null)),
            _ => Err(Failure::NotJson),
        }
    }
}

/// Why one request failed.
enum Failure {
    Transport(ureq::Error),
    Status(u16, String),
    NotJson,
}

impl Failure {
    /// Whether trying again soon may work: PVE's proxy could not reach a node for a
    /// moment (595/596), the cluster file system timed out (500 "got timeout"), or the
    /// connection dropped mid-answer.
    fn is_passing(&self) -> bool {
        match self {
            Failure::Status(502..=504 | 595 | 596 | 599, _) => true,
            Failure::Status(500, message) => message.contains("got timeout"),
            Failure::Transport(ureq::Error::Io(e)) => matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::UnexpectedEof
            ),
            _ => false,
        }
    }

    fn diagnostic(self, settings: &Settings, path: &str) -> Diagnostic {
        let endpoint = &settings.endpoint;
        match self {
            Failure::Transport(error) if certificate_problem(&error).is_some() => {
                let why = certificate_problem(&error).unwrap_or_default();
                Diagnostic::error(
                    Code::ClusterCertificateUntrusted,
                    format!("the certificate of {endpoint} is not trusted: {why}"),
                )
                .with_help(
                    "pass the cluster's CA with --ca-file or PXIC_CA_FILE (a node has it at /etc/pve/pve-root-ca.pem); or set `insecure = true` in the cluster (PROXMOX_VE_INSECURE=true) to skip the check",
                )
            }
            Failure::Transport(error) => Diagnostic::error(
                Code::ClusterUnreachable,
                format!("cannot reach the cluster at {endpoint}: {}", describe(&error)),
            )
            .with_help(
                "check the cluster's `endpoint` (or PROXMOX_VE_ENDPOINT), that a node answers on port 8006, and that no firewall is in the way",
            ),
            Failure::Status(401, message) => Diagnostic::error(
                Code::ApiTokenRefused,
                format!(
                    "the cluster refused the API token `{}`: {}",
                    settings.token.id(),
                    or_default(&message, "authentication failure")
                ),
            )
            .with_help(
                "the token's secret is wrong, or the token expired or was deleted: check it under Datacenter → Permissions → API Tokens",
            ),
            Failure::Status(403, message) => Diagnostic::error(
                Code::ApiPermissionDenied,
                format!(
                    "the API token `{}` may not read `{path}`: {}",
                    settings.token.id(),
                    or_default(&message, "permission denied")
                ),
            )
            .with_help(
                "grant the privilege named to the token (with privilege separation, a token needs its own ACL, not only its user's): `pveum acl modify / --tokens <token> --roles PVEAuditor` lets it read",
            ),
            Failure::Status(status, message) => Diagnostic::error(
                Code::ApiError,
                format!(
                    "the cluster answered `GET {path}` with {status}: {}",
                    or_default(&message, "no reason given")
                ),
            )
            .with_help("run the command again; if it persists, look at the node's `journalctl -u pveproxy`"),
            Failure::NotJson => Diagnostic::error(
                Code::ApiError,
                format!("{endpoint} did not answer `GET {path}` with Proxmox VE's JSON"),
            )
            .with_help("check that the endpoint is a Proxmox VE node's API (port 8006), not another web server"),
        }
    }
}

/// Why the server's certificate was refused, when that is what went wrong.
fn certificate_problem(error: &ureq::Error) -> Option<String> {
    let rustls = match error {
        ureq::Error::Rustls(e) => Some(e),
        ureq::Error::Io(e) => e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        _ => None,
    }?;
    match rustls {
        rustls::Error::InvalidCertificate(why) => Some(match why {
            rustls::CertificateError::UnknownIssuer => {
                "it is signed by an unknown authority (Proxmox VE's own CA, by default)".to_string()
            }
            rustls::CertificateError::NotValidForName
            | rustls::CertificateError::NotValidForNameContext { .. } => {
                "it is not made out to the endpoint's host name or address".to_string()
            }
            rustls::CertificateError::Expired | rustls::CertificateError::ExpiredContext { .. } => {
                "it has expired".to_string()
            }
            other => format!("{other:?}"),
        }),
        _ => None,
    }
}

/// A transport error in words, without Rust's type names where a user reads it.
fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Io(e) => crate::io::describe_io(e),
        ureq::Error::HostNotFound => "the host name does not resolve".to_string(),
        ureq::Error::Timeout(_) => "it did not answer in time".to_string(),
        ureq::Error::ConnectionFailed => "the connection failed".to_string(),
        other => other.to_string(),
    }
}

fn or_default<'a>(message: &'a str, default: &'a str) -> &'a str {
    if message.is_empty() { default } else { message }
}

/// The certificates of a PEM file (the cluster's `pve-root-ca.pem`).
fn read_ca_file(path: &std::path::Path) -> Result<Vec<Certificate<'static>>, Diagnostic> {
    let unreadable = |why: String| {
        Diagnostic::error(
            Code::CaFileUnreadable,
            format!("cannot use the CA file `{}`: {why}", path.display()),
        )
        .with_help(
            "copy /etc/pve/pve-root-ca.pem from a node and pass its path with --ca-file or PXIC_CA_FILE",
        )
    };
    let pem = std::fs::read(path).map_err(|e| unreadable(crate::io::describe_io(&e)))?;
    let certificates: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certificates.is_empty() {
        return Err(unreadable("it holds no PEM certificate".to_string()));
    }
    Ok(certificates)
}
