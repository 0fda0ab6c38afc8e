//! A client for a plan's cluster, from the environment (see `Settings`).

use super::{Client, Settings};
use crate::diag::{Code, Diagnostic};

/// A client for the plan's cluster, from the environment; a warning in `problems`
/// when certificate checks are off.
pub fn connect(
    plan: &crate::ir::Plan,
    ca_file: Option<std::path::PathBuf>,
    problems: &mut Vec<Diagnostic>,
) -> Result<Client, Diagnostic> {
    let env = |name: &str| std::env::var(name).ok();
    let settings = Settings::for_cluster(&plan.cluster, ca_file, &env)?;
    if settings.insecure {
        problems.push(insecure_warning(&settings));
    }
    Client::new(settings)
}

fn insecure_warning(settings: &Settings) -> Diagnostic {
    Diagnostic::warning(
        Code::TlsVerificationOff,
        format!(
            "the certificate of {} is not checked: anyone on the way can read the API token",
            settings.endpoint
        ),
    )
    .with_help(
        "pass the cluster's CA with --ca-file or PXIC_CA_FILE (/etc/pve/pve-root-ca.pem on a node) and drop `insecure` / PROXMOX_VE_INSECURE",
    )
}
