//! What pxic reads from a live cluster: its guests, as `/cluster/resources` lists
//! them, a guest's configuration (where pxic marks the guests it manages, and its
//! disks and NICs), each node's storages and bridges (one request per node), and
//! the privileges the API token holds (one request).

use super::Client;
use crate::diag::{Code, Diagnostic};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
    Ok(config(client, guest)?
        .remove("description")
        .unwrap_or_default())
}

/// A guest's configuration, each value as text (`scsi0` →
/// `local-lvm:vm-100-disk-0,size=32G`, `net0` → `virtio=BC:24:11:…,bridge=vmbr0`).
pub fn config(client: &Client, guest: &LiveGuest) -> Result<BTreeMap<String, String>, Diagnostic> {
    let data = client.get(&format!(
        "/nodes/{}/{}/{}/config",
        guest.node, guest.kind, guest.vmid
    ))?;
    let Value::Object(entries) = data else {
        return Err(unexpected("guest configurations", "not an object"));
    };
    Ok(entries
        .into_iter()
        .filter_map(|(key, value)| {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((key, text))
        })
        .collect())
}

/// A storage as one node sees it (`GET /nodes/{node}/storage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveStorage {
    pub name: String,
    /// Sorted.
    pub content: Vec<String>,
    /// Configured for this node and not disabled.
    pub enabled: bool,
    /// Enabled and reachable (an NFS server that answers, a Ceph that is up).
    pub active: bool,
}

#[derive(Deserialize)]
struct StorageEntry {
    storage: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    enabled: Option<f64>,
    #[serde(default)]
    active: f64,
}

/// The storages a node has, as far as the token may see them.
pub fn storages(client: &Client, node: &str) -> Result<Vec<LiveStorage>, Diagnostic> {
    let data = client.get(&format!("/nodes/{node}/storage"))?;
    let entries: Vec<StorageEntry> =
        serde_json::from_value(data).map_err(|e| unexpected("storages", e))?;
    let mut storages: Vec<LiveStorage> = entries
        .into_iter()
        .map(|s| {
            let mut content: Vec<String> = s
                .content
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            content.sort();
            LiveStorage {
                name: s.storage,
                content,
                // PVE leaves `enabled` out of the answer in some versions: listed is enabled.
                enabled: s.enabled.is_none_or(|e| e != 0.0),
                active: s.active != 0.0,
            }
        })
        .collect();
    storages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(storages)
}

#[derive(Deserialize)]
struct NetworkEntry {
    iface: String,
    #[serde(rename = "type", default)]
    kind: String,
}

/// The bridges a node has (Linux and Open vSwitch), sorted.
pub fn bridges(client: &Client, node: &str) -> Result<Vec<String>, Diagnostic> {
    let data = client.get(&format!("/nodes/{node}/network"))?;
    let entries: Vec<NetworkEntry> =
        serde_json::from_value(data).map_err(|e| unexpected("network interfaces", e))?;
    let mut bridges: Vec<String> = entries
        .into_iter()
        .filter(|n| n.kind == "bridge" || n.kind == "OVSBridge")
        .map(|n| n.iface)
        .collect();
    bridges.sort();
    Ok(bridges)
}

/// What the API token may do: the privileges it holds on each path the cluster
/// lists (`GET /access/permissions`, asked as the token, so a token with privilege
/// separation gets its own, not its user's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Privileges {
    /// Path → privileges held there.
    pub by_path: BTreeMap<String, BTreeSet<String>>,
}

impl Privileges {
    /// Whether the token holds `privilege` on `path`: what the most specific listed
    /// path at or above it says, as Proxmox VE computes each listed path's set with
    /// the more specific grants winning.
    pub fn holds(&self, path: &str, privilege: &str) -> bool {
        self.by_path
            .iter()
            .filter(|(p, _)| {
                p.as_str() == "/"
                    || p.as_str() == path
                    || path
                        .strip_prefix(p.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(p, _)| p.len())
            .is_some_and(|(_, held)| held.contains(privilege))
    }
}

/// The privileges the token holds.
pub fn privileges(client: &Client) -> Result<Privileges, Diagnostic> {
    let data = client.get("/access/permissions")?;
    let Value::Object(paths) = data else {
        return Err(unexpected("permissions", "not an object"));
    };
    let by_path = paths
        .into_iter()
        .map(|(path, held)| {
            let held = match held {
                Value::Object(privileges) => privileges
                    .into_iter()
                    .filter(|(_, v)| v.as_u64() == Some(1) || v.as_bool() == Some(true))
                    .map(|(k, _)| k)
                    .collect(),
                _ => BTreeSet::new(),
            };
            (path, held)
        })
        .collect();
    Ok(Privileges { by_path })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn held(grants: &[(&str, &[&str])]) -> Privileges {
        Privileges {
            by_path: grants
                .iter()
                .map(|(p, ps)| (p.to_string(), ps.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    #[test]
    fn the_most_specific_listed_path_decides() {
        let held = held(&[
            ("/vms", &["VM.Allocate", "VM.Clone"]),
            ("/vms/9000", &["VM.Audit"]),
            ("/storage", &["Datastore.Audit"]),
        ]);
        assert!(held.holds("/vms/100", "VM.Clone"));
        assert!(held.holds("/vms", "VM.Allocate"));
        assert!(!held.holds("/vms/9000", "VM.Clone"));
        // `/vms/90001` is not below `/vms/9000`.
        assert!(held.holds("/vms/90001", "VM.Clone"));
        assert!(!held.holds("/storage/local", "Datastore.AllocateSpace"));
        assert!(!held.holds("/sdn/zones/localnetwork/vmbr0", "SDN.Use"));
        let root = self::held(&[("/", &["SDN.Use"])]);
        assert!(root.holds("/sdn/zones/localnetwork/vmbr0", "SDN.Use"));
    }
}
