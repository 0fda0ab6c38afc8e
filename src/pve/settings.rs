//! Where the cluster is and how pxic proves who it is, from the project and the
//! environment, with the provider's conventions: `PROXMOX_VE_ENDPOINT` overrides the
//! cluster's endpoint, the token comes from the variable the cluster names
//! (`PROXMOX_VE_API_TOKEN` by default), `PROXMOX_VE_INSECURE=true` skips certificate
//! checks, and `PXIC_CA_FILE` (or `--ca-file`) names the cluster's CA.

use crate::diag::{Code, Diagnostic};
use crate::ir::Cluster;
use std::path::PathBuf;

/// The variable that overrides the project's endpoint, as the bpg provider reads it.
pub const ENDPOINT_ENV: &str = "PROXMOX_VE_ENDPOINT";
/// The variable that turns certificate checks off, as the bpg provider reads it.
pub const INSECURE_ENV: &str = "PROXMOX_VE_INSECURE";
/// The variable naming a PEM file of CA certificates to trust.
pub const CA_FILE_ENV: &str = "PXIC_CA_FILE";

/// An API token, `user@realm!name=secret`. Its secret never reaches a message: the
/// `Debug` form shows only who it is.
#[derive(Clone)]
pub struct Token {
    id: String,
    secret: String,
}

impl Token {
    pub fn parse(text: &str) -> Result<Token, &'static str> {
        let text = text.trim();
        let (id, secret) = text
            .split_once('=')
            .ok_or("it has no `=` between the token's name and its secret")?;
        let (user, name) = id
            .split_once('!')
            .ok_or("it has no `!` between the user and the token's name")?;
        if !user.contains('@') {
            return Err("its user has no realm (`root@pam`, `pxic@pve`)");
        }
        if name.is_empty() || secret.is_empty() {
            return Err("its token name or secret is empty");
        }
        if text.chars().any(|c| c.is_control() || c == ' ') {
            return Err("it contains spaces or control characters");
        }
        Ok(Token {
            id: id.to_string(),
            secret: secret.to_string(),
        })
    }

    /// `user@realm!name`: who the token is, for messages.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `Authorization` header's value.
    pub(super) fn header(&self) -> String {
        format!("PVEAPIToken={}={}", self.id, self.secret)
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({}=…)", self.id)
    }
}

/// Everything needed to open a connection.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `https://host:port`, without a path.
    pub endpoint: String,
    pub token: Token,
    pub ca_file: Option<PathBuf>,
    pub insecure: bool,
}

impl Settings {
    /// The settings for a project's cluster: the project's values, overridden by the
    /// environment as the provider overrides them; `ca_file` is `--ca-file`.
    pub fn for_cluster(
        cluster: &Cluster,
        ca_file: Option<PathBuf>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, Diagnostic> {
        let endpoint = endpoint(cluster, env)?;
        let variable = cluster
            .token
            .as_ref()
            .map_or(crate::backend::PROVIDER_TOKEN_ENV, |s| s.env.as_str());
        let token = match env(variable) {
            None => {
                return Err(Diagnostic::error(
                    Code::ApiTokenMissing,
                    format!("`{variable}` is not set: pxic needs an API token to read the cluster"),
                )
                .with_help(format!(
                    "export {variable}='user@realm!name=secret' (Datacenter → Permissions → API Tokens)"
                )));
            }
            Some(text) => Token::parse(&text).map_err(|why| {
                Diagnostic::error(
                    Code::ApiTokenMissing,
                    format!("`{variable}` is not an API token: {why}"),
                )
                .with_help(format!(
                    "export {variable}='user@realm!name=secret', the token's full id, `=`, then its secret"
                ))
            })?,
        };
        let insecure = cluster.insecure
            || env(INSECURE_ENV)
                .is_some_and(|v| matches!(v.trim(), "true" | "1" | "TRUE" | "True"));
        let ca_file = ca_file_from(ca_file, env);
        Ok(Settings {
            endpoint,
            token,
            ca_file,
            insecure,
        })
    }
}

/// The cluster's API as `https://host:port`: `PROXMOX_VE_ENDPOINT` when set, else the
/// project's `endpoint`.
pub fn endpoint(
    cluster: &Cluster,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Diagnostic> {
    let endpoint = env(ENDPOINT_ENV)
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| cluster.endpoint.clone());
    base_url(&endpoint).ok_or_else(|| {
        Diagnostic::error(
            Code::ClusterUnreachable,
            format!("the cluster's endpoint `{}` is not an https:// URL", endpoint.escape_debug()),
        )
        .with_help(format!(
            "set the cluster's `endpoint` (or {ENDPOINT_ENV}) to the API's URL, such as `https://pve1.lan:8006/`"
        ))
    })
}

/// The CA file to trust: `--ca-file`, else `PXIC_CA_FILE` when set.
pub fn ca_file_from(
    ca_file: Option<PathBuf>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<PathBuf> {
    ca_file.or_else(|| {
        env(CA_FILE_ENV)
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
    })
}

/// `https://host:port` from an endpoint as users write it (`https://h:8006/`,
/// `https://h:8006/api2/json`); `None` when it is not https.
fn base_url(endpoint: &str) -> Option<String> {
    let rest = endpoint.trim().strip_prefix("https://")?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.contains(['@', '?', '#', ' ']) {
        return None;
    }
    Some(format!("https://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_read_whole_and_never_shown() {
        let token = Token::parse("pxic@pve!build=0b5e-77").expect("valid");
        assert_eq!(token.id(), "pxic@pve!build");
        assert_eq!(format!("{token:?}"), "Token(pxic@pve!build=…)");
        assert!(!format!("{token:?}").contains("0b5e"));
        for bad in [
            "",
            "root@pam",
            "root@pam=x",
            "root!t=x",
            "root@pam!t=",
            "root@pam!t=a b",
        ] {
            assert!(Token::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn endpoints_become_base_urls() {
        assert_eq!(
            base_url("https://10.0.0.2:8006/").as_deref(),
            Some("https://10.0.0.2:8006")
        );
        assert_eq!(
            base_url("https://pve.lan:8006/api2/json").as_deref(),
            Some("https://pve.lan:8006")
        );
        assert_eq!(base_url("http://pve.lan:8006/"), None);
        assert_eq!(base_url("https://user@pve.lan/"), None);
    }
}
