//! The Terraform backend: `terraform/*.tf` for the bpg/proxmox provider (facts in
//! `docs/terraform.md`). Terraform owns the VMs, the containers, the pools and the
//! templates made straight from cloud images; Packer's templates are referred to by
//! their VMID.
//!
//! One file per concern: `versions.tf`, `provider.tf`, `variables.tf`, `pools.tf`,
//! `images.tf` (downloads), `templates.tf`, `vms.tf`, `containers.tf`, `outputs.tf`.
//! Resources are sorted by name; identifiers come from `.pxi` names.

mod disks;
mod guests;
mod hardware;

/// What `pxic diff` needs to say what the generated resources do.
pub use guests::root_keys;

use super::Emitted;
use super::hcl::{self, Body, Expr, Key};
use crate::ir::{Builder, Plan, State};
use std::collections::BTreeMap;

/// The provider release the generated files are written for (and pinned to).
pub const PROVIDER_VERSION: &str = "0.111.1";

pub const VM: &str = "proxmox_virtual_environment_vm";
pub const CONTAINER: &str = "proxmox_virtual_environment_container";
pub const POOL: &str = "proxmox_virtual_environment_pool";
/// The current name of the download resource (its long name is deprecated).
pub const DOWNLOAD: &str = "proxmox_download_file";

/// The variable the API token is passed in; the runner (`pxic apply`, to come) is to
/// fill it from the environment variable the cluster names.
pub const TOKEN_VARIABLE: &str = "proxmox_api_token";
/// The variable the provider's endpoint comes from: the cluster's by default, and
/// `pxic apply` sets it to the endpoint its own API calls use (`PROXMOX_VE_ENDPOINT`
/// when that is set), since a provider block's `endpoint` wins over the provider's
/// own reading of that variable.
pub const ENDPOINT_VARIABLE: &str = "proxmox_endpoint";

/// Every Terraform file for a plan.
pub fn emit(plan: &Plan) -> Emitted {
    let names = Names::of(plan);
    let mut files = Emitted::new();
    let mut add = |name: &str, origins: Vec<&str>, body: Body| {
        if body.0.is_empty() {
            return;
        }
        files.insert(format!("terraform/{name}"), super::hcl_file(origins, &body));
    };
    add("versions.tf", vec![], versions(plan));
    add("provider.tf", vec![], provider(plan));
    add("variables.tf", vec![], variables(plan));
    add("pools.tf", vec![], pools(plan, &names));
    add(
        "mappings.tf",
        plan.hosts
            .values()
            .filter(|h| declares_devices(plan, h))
            .map(|h| h.origin.file.as_str())
            .collect(),
        hardware::mappings(plan),
    );
    let guests = guests::Guests::new(plan, &names);
    let template_origins = plan
        .templates
        .values()
        .filter(|t| t.builder == Builder::Terraform)
        .map(|t| t.origin.file.as_str());
    let container_origins = plan
        .containers
        .values()
        .map(|c| c.guest.origin.file.as_str());
    add(
        "images.tf",
        template_origins
            .clone()
            .chain(container_origins.clone())
            .collect(),
        guests.downloads(),
    );
    add(
        "templates.tf",
        template_origins.collect(),
        guests.templates(),
    );
    add(
        "vms.tf",
        plan.vms
            .values()
            .map(|v| v.guest.origin.file.as_str())
            .collect(),
        guests.vms(),
    );
    add(
        "containers.tf",
        container_origins.collect(),
        guests.containers(),
    );
    add("outputs.tf", vec![], outputs(plan, &names));
    files
}

/// Whether a host has a device in one of the cluster's mappings.
fn declares_devices(plan: &Plan, host: &crate::ir::Host) -> bool {
    plan.pci_mappings
        .values()
        .chain(plan.usb_mappings.values())
        .any(|m| m.devices.iter().any(|d| d.node == host.node))
}

/// The Terraform identifiers of a plan's resources, by `.pxi` name.
pub struct Names {
    /// VMs and the templates Terraform makes: one resource type, one namespace.
    pub vms: BTreeMap<String, String>,
    pub containers: BTreeMap<String, String>,
    pub pools: BTreeMap<String, String>,
}

impl Names {
    fn of(plan: &Plan) -> Names {
        let made_templates = plan
            .templates
            .values()
            .filter(|t| t.builder == Builder::Terraform)
            .map(|t| t.name.as_str());
        let mut vm_names: Vec<&str> = plan
            .vms
            .keys()
            .map(String::as_str)
            .chain(made_templates)
            .collect();
        vm_names.sort_unstable();
        let owned = |pairs: Vec<(&str, String)>| {
            pairs
                .into_iter()
                .map(|(name, id)| (name.to_string(), id))
                .collect()
        };
        Names {
            vms: owned(hcl::idents(vm_names)),
            containers: owned(hcl::idents(plan.containers.keys().map(String::as_str))),
            pools: owned(hcl::idents(plan.pools.keys().map(String::as_str))),
        }
    }
}

fn versions(plan: &Plan) -> Body {
    let mut proxmox = Vec::new();
    proxmox.push((Key::Ident("source".into()), Expr::str("bpg/proxmox")));
    proxmox.push((
        Key::Ident("version".into()),
        Expr::str(format!("~> {PROVIDER_VERSION}")),
    ));
    let mut providers = Body::new();
    providers.attr("proxmox", Expr::Object(proxmox));
    let state = plan.cluster.state.as_ref();
    // S3's own state locking (`use_lockfile`) came with Terraform 1.10.
    let required = match state {
        Some(State::S3 { .. }) => ">= 1.10",
        _ => ">= 1.5",
    };
    let mut terraform = Body::new();
    terraform
        .attr("required_version", Expr::str(required))
        .block("required_providers", &[], providers);
    if let Some(state) = state {
        let (kind, credentials, body) = backend(state);
        terraform
            .comment(credentials)
            .block("backend", &[kind], body);
    }
    let mut file = Body::new();
    file.comment(&format!(
        "bpg/proxmox {PROVIDER_VERSION}: its 0.x minor releases may break, so only patches are taken."
    ))
    .block("terraform", &[], terraform);
    file
}

/// The `backend` block of a remote state: its kind, a comment on where its
/// credentials come from, and its body.
fn backend(state: &State) -> (&'static str, &'static str, Body) {
    let mut body = Body::new();
    match state {
        State::S3 {
            bucket,
            key,
            region,
            endpoint,
            path_style,
        } => {
            body.attr("bucket", Expr::str(bucket))
                .attr("key", Expr::str(key))
                .attr("region", Expr::str(region))
                .attr("use_lockfile", Expr::Bool(true));
            if *path_style {
                body.attr("use_path_style", Expr::Bool(true));
            }
            if let Some(url) = endpoint {
                body.attr(
                    "endpoints",
                    Expr::Object(vec![(Key::Ident("s3".into()), Expr::str(url))]),
                );
                // An S3-compatible store has no AWS account, regions or metadata API.
                for skip in [
                    "skip_credentials_validation",
                    "skip_region_validation",
                    "skip_requesting_account_id",
                    "skip_metadata_api_check",
                    "skip_s3_checksum",
                ] {
                    body.attr(skip, Expr::Bool(true));
                }
            }
            (
                "s3",
                "State in S3; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
                body,
            )
        }
        State::Pg { schema_name } => {
            body.attr_some("schema_name", schema_name.as_deref().map(Expr::str));
            (
                "pg",
                "State in PostgreSQL; the connection string comes from PG_CONN_STR.",
                body,
            )
        }
        State::Http {
            address,
            lock_address,
            unlock_address,
            username,
        } => {
            body.attr("address", Expr::str(address));
            body.attr_some("lock_address", lock_address.as_deref().map(Expr::str));
            body.attr_some("unlock_address", unlock_address.as_deref().map(Expr::str));
            body.attr_some("username", username.as_deref().map(Expr::str));
            (
                "http",
                "State over HTTP; the password, if any, comes from TF_HTTP_PASSWORD.",
                body,
            )
        }
    }
}

fn provider(plan: &Plan) -> Body {
    let cluster = &plan.cluster;
    let mut body = Body::new();
    if cluster.insecure {
        body.attr("endpoint", Expr::var(ENDPOINT_VARIABLE))
            .comment("The cluster is `insecure`: its certificate is not verified.")
            .attr("insecure", Expr::Bool(true));
    } else {
        body.comment(
            "Its certificate is verified. For Proxmox's own self-signed one, point SSL_CERT_FILE",
        )
        .comment(
            "at a copy of the cluster's /etc/pve/pve-root-ca.pem, or make the cluster `insecure`.",
        )
        .attr("endpoint", Expr::var(ENDPOINT_VARIABLE));
    }
    body.attr("api_token", Expr::var(TOKEN_VARIABLE));
    if plan.containers.values().any(|c| c.has_idmap()) {
        body.block("ssh", &[], ssh(plan));
    }
    let mut file = Body::new();
    let source = match &cluster.token {
        Some(secret) if secret.env == super::PROVIDER_TOKEN_ENV => format!(
            "The API token is never written here: the provider reads $PROXMOX_VE_API_TOKEN, or\nvar.{TOKEN_VARIABLE} when that is set."
        ),
        Some(secret) => format!(
            "The API token is never written here: set TF_VAR_{TOKEN_VARIABLE} from ${}.",
            secret.env
        ),
        None => format!(
            "Credentials come from the environment: TF_VAR_{TOKEN_VARIABLE}, or the provider's\nPROXMOX_VE_API_TOKEN, or PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD."
        ),
    };
    file.comment(&source).block("provider", &["proxmox"], body);
    file
}

/// The provider's `ssh` block, for what the API cannot do: a container's id map is
/// written into `/etc/pve/lxc/<vmid>.conf` over SSH. It logs in as root with the keys
/// of the SSH agent, as Ansible reaches the nodes, at each node's address (node names
/// need not resolve where Terraform runs).
fn ssh(plan: &Plan) -> Body {
    let mut ssh = Body::new();
    ssh.comment("Containers' id maps go into /etc/pve/lxc/<vmid>.conf over SSH (the API cannot")
        .comment("write them), as root, with the keys of the SSH agent ($SSH_AUTH_SOCK).")
        .attr("agent", Expr::Bool(true))
        .attr("username", Expr::str("root"));
    for host in plan.hosts.values() {
        let mut node = Body::new();
        node.attr("name", Expr::str(&host.node))
            .attr("address", Expr::str(host.address.to_string()));
        ssh.block("node", &[], node);
    }
    ssh
}

fn variables(plan: &Plan) -> Body {
    let description = match &plan.cluster.token {
        Some(secret) => format!(
            "API token for {}, as USER@REALM!TOKENID=SECRET (the project reads it from ${}). When null, the provider reads PROXMOX_VE_API_TOKEN.",
            plan.cluster.endpoint, secret.env
        ),
        None => format!(
            "API token for {}, as USER@REALM!TOKENID=SECRET. When null, the provider reads PROXMOX_VE_API_TOKEN or PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD.",
            plan.cluster.endpoint
        ),
    };
    let mut body = Body::new();
    body.attr("description", Expr::str(description))
        .attr("type", Expr::Raw("string".into()))
        .attr("default", Expr::Raw("null".into()))
        .attr("sensitive", Expr::Bool(true));
    let mut endpoint = Body::new();
    endpoint
        .attr(
            "description",
            Expr::str(format!(
                "The cluster's API endpoint. pxic apply sets TF_VAR_{ENDPOINT_VARIABLE} to the one its own checks use: $PROXMOX_VE_ENDPOINT when set, else this default."
            )),
        )
        .attr("type", Expr::Raw("string".into()))
        .attr("default", Expr::str(&plan.cluster.endpoint));
    let mut file = Body::new();
    file.block("variable", &[ENDPOINT_VARIABLE], endpoint)
        .blank()
        .block("variable", &[TOKEN_VARIABLE], body);
    file
}

fn pools(plan: &Plan, names: &Names) -> Body {
    let mut file = Body::new();
    for pool in plan.pools.values() {
        let mut body = Body::new();
        body.attr("pool_id", Expr::str(&pool.name));
        body.attr_some("comment", pool.comment.as_deref().map(Expr::str));
        file.resource(None, POOL, &names.pools[&pool.name], body);
    }
    file
}

/// `vms` and `containers`: each guest's VMID, node and addresses, keyed by `.pxi` name,
/// for the runner (`pxic apply`, to come) and for anyone scripting around the project.
fn outputs(plan: &Plan, names: &Names) -> Body {
    let guest_entry = |kind: &str, id: &str, guest: &crate::ir::Guest| {
        Expr::Object(vec![
            (
                Key::Ident("vm_id".into()),
                Expr::reference(kind, id, "vm_id"),
            ),
            (
                Key::Ident("node_name".into()),
                Expr::reference(kind, id, "node_name"),
            ),
            (
                Key::Ident("addresses".into()),
                Expr::strings(
                    guest
                        .nics
                        .iter()
                        .filter_map(|n| Some(n.address.ip()?.to_string())),
                ),
            ),
        ])
    };
    let entries = |guests: Vec<(&crate::ir::Guest, &str, &String)>| {
        guests
            .into_iter()
            .map(|(guest, kind, id)| (Key::Str(guest.name.clone()), guest_entry(kind, id, guest)))
            .collect::<Vec<_>>()
    };
    let vms = entries(
        plan.vms
            .values()
            .map(|vm| (&vm.guest, VM, &names.vms[&vm.guest.name]))
            .collect(),
    );
    let containers = entries(
        plan.containers
            .values()
            .map(|ct| (&ct.guest, CONTAINER, &names.containers[&ct.guest.name]))
            .collect(),
    );
    let mut file = Body::new();
    let output = |file: &mut Body, name: &str, what: &str, value: Vec<(Key, Expr)>| {
        let mut body = Body::new();
        body.attr(
            "description",
            Expr::str(format!(
                "Each {what} by its .pxi name: VMID, node and IPv4 addresses."
            )),
        )
        .attr("value", Expr::Object(value));
        file.block("output", &[name], body);
    };
    output(&mut file, "vms", "VM", vms);
    file.blank();
    output(&mut file, "containers", "container", containers);
    file
}
