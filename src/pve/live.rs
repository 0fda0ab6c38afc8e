//! What pxic reads from a live cluster: its guests, as `/cluster/resources` lists
//! them, and a guest's description (where pxic marks the guests it manages).

use super::Client;
use crate::diag::{Code, Diagnostic};
use serde::Deserialize;

/// A VM, template or container on the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveGuest {
    pub vmid: u32,
    pub name: String,
    pub node: String,
    /// `qemu` or `lxc`.
    pub kind: String,
    pub template: bool,
    /// Cores times sockets, as PVE counts them.
    pub cpus: u32,
    /// Bytes.
    pub memory: u64,
    /// Sorted.
    pub tags: Vec<String>,
    pub pool: Option<String>,
}

/// One entry of `GET /cluster/resources?type=vm` (numbers may come as floats).
#[derive(Deserialize)]
struct Resource {
    vmid: u32,
    #[serde(default)]
    name: String,
    node: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    template: f64,
    #[serde(default)]
    maxcpu: f64,
    #[serde(default)]
    maxmem: f64,
    #[serde(default)]
    tags: String,
    pool: Option<String>,
}

/// Refuses a token that may not see every guest: PVE lists only the guests a token
/// may audit, so such a token would find guests "missing" that are there.
pub fn require_audit(client: &Client) -> Result<(), Diagnostic> {
    let held = client.get("/access/permissions?path=/vms")?;
    let audits = ["/", "/vms"].iter().any(|path| {
        held.get(path)
            .and_then(|privileges| privileges.get("VM.Audit"))
            .is_some_and(|v| v.as_u64() == Some(1) || v.as_bool() == Some(true))
    });
    if audits {
        return Ok(());
    }
    let token = client.settings().token.id().to_string();
    Err(Diagnostic::error(
        Code::ApiPermissionDenied,
        format!("the API token `{token}` may not see every guest: it lacks VM.Audit on /vms"),
    )
    .with_help(format!(
        "the cluster lists only the guests a token may audit, so pxic could not tell a missing guest from a hidden one: `pveum acl modify /vms --tokens '{token}' --roles PVEAuditor`"
    )))
}

/// Every guest of the cluster, by VMID.
pub fn guests(client: &Client) -> Result<Vec<LiveGuest>, Diagnostic> {
    let data = client.get("/cluster/resources?type=vm")?;
    let resources: Vec<Resource> =
        serde_json::from_value(data).map_err(|e| unexpected("guests", e))?;
    let mut guests: Vec<LiveGuest> = resources
        .into_iter()
        // The node's name goes into later request paths: only what PVE allows in one.
        .filter(|r| (r.kind == "qemu" || r.kind == "lxc") && is_node_name(&r.node))
        .map(|r| {
            let mut tags: Vec<String> = r
                .tags
                .split([';', ',', ' '])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            tags.sort();
            LiveGuest {
                vmid: r.vmid,
                name: r.name,
                node: r.node,
                kind: r.kind,
                template: r.template != 0.0,
                cpus: r.maxcpu.round() as u32,
                memory: r.maxmem.round() as u64,
                tags,
                pool: r.pool,
            }
        })
        .collect();
    guests.sort_by_key(|g| g.vmid);
    Ok(guests)
}

/// A guest's description (empty when it has none).
pub fn description(client: &Client, guest: &LiveGuest) -> Result<String, Diagnostic> {
    let config = client.get(&format!(
        "/nodes/{}/{}/{}/config",
        guest.node, guest.kind, guest.vmid
    ))?;
    Ok(config
        .get("description")
        .and_then(|d| d.as_str())
        .unwrap_or_default()
        .to_string())
}

/// A node name as Proxmox VE allows it (a DNS label).
fn is_node_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A node of the cluster, as `GET /nodes` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveNode {
    pub name: String,
    pub online: bool,
}

#[derive(Deserialize)]
struct NodeEntry {
    node: String,
    #[serde(default)]
    status: String,
}

/// The cluster's nodes.
pub fn nodes(client: &Client) -> Result<Vec<LiveNode>, Diagnostic> {
    let data = client.get("/nodes")?;
    let entries: Vec<NodeEntry> =
        serde_json::from_value(data).map_err(|e| unexpected("nodes", e))?;
    let mut nodes: Vec<LiveNode> = entries
        .into_iter()
        .map(|n| LiveNode {
            online: n.status == "online",
            name: n.node,
        })
        .collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(nodes)
}

/// The Proxmox VE version the endpoint runs (`9.0.10`).
pub fn version(client: &Client) -> Result<String, Diagnostic> {
    let data = client.get("/version")?;
    data.get("version")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .ok_or_else(|| unexpected("version", "no `version` field"))
}

fn unexpected(what: &str, error: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::ApiError,
        format!("the cluster's {what} are not what Proxmox VE sends: {error}"),
    )
    .with_help("check that the endpoint is a Proxmox VE 8 or 9 node's API")
}
