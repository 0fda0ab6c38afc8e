//! The Packer backend (facts in `docs/packer.md`): one standalone
//! `packer/<template>.pkr.hcl` for each template Packer builds, for the
//! hashicorp/proxmox plugin, plus the installer answers it serves
//! (`packer/http/<template>/…`).
//!
//! An installer ISO becomes a `proxmox-iso` source; a cloud image with a `build`
//! block becomes a `proxmox-clone` of the base VM the host playbook makes from the
//! image. The build VM has a static address from a network's pool (`build_nic` in
//! the IR), so Packer needs neither DHCP nor the guest agent to reach it. Its VMID
//! and name are the template's, so Terraform clones exactly what Packer made.

mod install;

use super::hcl::{self, Body, Expr, Key};
use super::{
    CPU_TYPE, EFI_TYPE, Emitted, GIB, MIB, PROVIDER_TOKEN_ENV, SCSI_HARDWARE, TPM_VERSION,
};
use crate::ir::{Builder, Image, Nic, Plan, Template};
pub use install::BUILD_USER;
use std::net::Ipv4Addr;

/// The plugin releases the files are written for: `boot_iso` needs 1.2.
const PROXMOX_PLUGIN: &str = "~> 1.2";
const ANSIBLE_PLUGIN: &str = "~> 1";

/// Every Packer file for a plan.
pub fn emit(plan: &Plan) -> Emitted {
    let mut files = Emitted::new();
    let mut ansible_inputs = super::ansible::build_inputs(plan);
    for template in plan.templates.values() {
        if template.builder != Builder::Packer {
            continue;
        }
        let (Some(image), Some(nic)) = (plan.images.get(&template.image), &template.build_nic)
        else {
            continue;
        };
        // The build VM runs before the project's guests: when `dns` points at them,
        // it resolves through the network's `bootstrap_dns`.
        let dns: &[Ipv4Addr] = plan.networks.get(&nic.network).map_or(&[], |n| {
            if n.bootstrap_dns.is_empty() {
                &n.dns
            } else {
                &n.bootstrap_dns
            }
        });
        let mut build = Build {
            plan,
            template,
            image,
            nic,
            fingerprint: None,
        };
        let mut inputs = ansible_inputs.remove(&template.name).unwrap_or_default();
        let answers = if build.is_iso() {
            let Some((answers, boot)) =
                install::answers(template, image, nic, dns, &plan.cluster.timezone)
            else {
                continue;
            };
            for answer in &answers {
                inputs.insert(
                    format!("packer/http/{}/{}", template.name, answer.name),
                    answer.text.clone(),
                );
            }
            Some((answers, boot))
        } else {
            None
        };
        let render = |build: &Build| {
            let body = match &answers {
                Some((answers, boot)) => {
                    let names: Vec<&str> = answers.iter().map(|a| a.name).collect();
                    build.file(build.iso_source(&names, boot))
                }
                None => build.file(build.clone_source(dns)),
            };
            // Which `.pxi` file it comes from changes nothing in the build: the
            // file that is hashed names none, so moving a template to another file
            // does not make it be built again.
            let origin = build
                .fingerprint
                .as_ref()
                .map(|_| template.origin.file.as_str());
            super::hcl_file(origin, &body)
        };
        // The file as it would be without its fingerprint is one of the inputs.
        let path = format!("packer/{}.pkr.hcl", template.name);
        inputs.insert(path.clone(), render(&build));
        build.fingerprint = Some(fingerprint(image, &inputs));
        files.insert(path, render(&build));
        for (name, text) in answers
            .into_iter()
            .flat_map(|(a, _)| a)
            .map(|a| (a.name, a.text))
        {
            files.insert(format!("packer/http/{}/{name}", template.name), text);
        }
    }
    files
}

/// What precedes a template's fingerprint in its description on the cluster.
pub const INPUTS_MARK: &str = "build inputs sha256:";

/// The fingerprint of what a template was built from, as its description on the
/// cluster carries it (the one [`emit`] writes into `template_description`); `None`
/// when it carries none (built by hand, or before pxic kept one).
pub fn fingerprint_in(description: &str) -> Option<&str> {
    let start = description.find(INPUTS_MARK)? + INPUTS_MARK.len();
    let hex = description.get(start..start + 64)?;
    hex.bytes().all(|b| b.is_ascii_hexdigit()).then_some(hex)
}

/// The fingerprint of each template Packer builds, as [`emit`] writes it.
pub fn fingerprints(plan: &Plan) -> std::collections::BTreeMap<String, String> {
    emit(plan)
        .into_iter()
        .filter_map(|(path, text)| {
            let name = path.strip_prefix("packer/")?.strip_suffix(".pkr.hcl")?;
            let found = fingerprint_in(&text)?.to_string();
            Some((name.to_string(), found))
        })
        .collect()
}

/// The SHA-256 of everything that decides what a build makes: the image, and each
/// file the build reads (its Packer file without the fingerprint, the installer's
/// answers, the playbook and roles it runs), by path. Packer's plugin versions are in
/// the Packer file. Deterministic: the files come sorted by path.
fn fingerprint(image: &Image, inputs: &super::Emitted) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(b"pxic template inputs 1\n");
    let image = serde_json::to_string(image).unwrap_or_default();
    for (path, text) in std::iter::once(("image", image.as_str()))
        .chain(inputs.iter().map(|(p, t)| (p.as_str(), t.as_str())))
    {
        hash.update(path.as_bytes());
        hash.update(b"\0");
        hash.update(text.len().to_string().as_bytes());
        hash.update(b"\0");
        hash.update(text.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The playbook Packer's ansible provisioner runs for a template's roles; the Ansible
/// backend writes it beside the other playbooks.
pub fn playbook_path(template: &str) -> String {
    format!("template-{template}.yml")
}

/// One template's build, with what it is made from.
struct Build<'p> {
    plan: &'p Plan,
    template: &'p Template,
    image: &'p Image,
    nic: &'p Nic,
    /// What the template is built from (see [`fingerprint`]); `None` while it is
    /// being computed.
    fingerprint: Option<String>,
}

impl Build<'_> {
    fn is_iso(&self) -> bool {
        self.image.kind == "iso"
    }

    /// The whole file: plugins, variables, the source, the build.
    fn file(&self, source: (&'static str, Body)) -> Body {
        let (builder, source_body) = source;
        let mut file = Body::new();
        file.block("packer", &[], self.plugins());
        for (name, body) in self.variables() {
            file.blank().block("variable", &[name], body);
        }
        file.blank().block("locals", &[], self.locals());
        file.blank()
            .block("source", &[builder, &self.template.name], source_body);
        file.blank().block("build", &[], self.build(builder));
        file
    }

    fn plugins(&self) -> Body {
        let plugin = |source: &str, version: &str| {
            Expr::Object(vec![
                (Key::Ident("version".into()), Expr::str(version)),
                (Key::Ident("source".into()), Expr::str(source)),
            ])
        };
        let mut required = Body::new();
        required.attr(
            "proxmox",
            plugin("github.com/hashicorp/proxmox", PROXMOX_PLUGIN),
        );
        if !self.template.build_roles().is_empty() {
            required.attr(
                "ansible",
                plugin("github.com/hashicorp/ansible", ANSIBLE_PLUGIN),
            );
        }
        let mut packer = Body::new();
        packer
            .comment("required_plugins and `packer init` need Packer 1.7 or later.")
            .attr("required_version", Expr::str(">= 1.7.0"))
            .block("required_plugins", &[], required);
        packer
    }

    fn variables(&self) -> Vec<(&'static str, Body)> {
        let env = self
            .plan
            .cluster
            .token
            .as_ref()
            .map_or(PROVIDER_TOKEN_ENV, |s| s.env.as_str());
        let mut token = Body::new();
        token
            .attr("type", Expr::Raw("string".into()))
            .attr(
                "description",
                Expr::str(format!(
                    "The API token as user@realm!name=secret, from {env} (the token the host playbook saves)."
                )),
            )
            .attr("sensitive", Expr::Bool(true))
            .attr("default", Expr::Raw(format!("env({})", hcl::quote(env))));
        let mut valid = Body::new();
        valid
            .attr(
                "condition",
                Expr::Raw("length(split(\"=\", var.proxmox_api_token)) == 2".into()),
            )
            .attr(
                "error_message",
                Expr::str(format!(
                    "Set {env} to the API token, written user@realm!name=secret."
                )),
            );
        token.block("validation", &[], valid);
        let mut tls = Body::new();
        tls.attr("type", Expr::Raw("bool".into()))
            .attr(
                "description",
                Expr::str("Skip the check of the API's certificate. A stock node's is signed by the cluster's own CA (/etc/pve/pve-root-ca.pem): rather give Packer that CA with SSL_CERT_FILE."),
            )
            .attr("default", Expr::Bool(self.plan.cluster.insecure));
        let mut url = Body::new();
        url.attr("type", Expr::Raw("string".into()))
            .attr(
                "description",
                Expr::str(format!(
                    "The cluster's API. pxic apply sets PKR_VAR_{URL_VARIABLE} to the endpoint its own checks use: $PROXMOX_VE_ENDPOINT when set, else this default."
                )),
            )
            .attr("default", text(self.api_url()));
        let mut variables = vec![
            (URL_VARIABLE, url),
            ("proxmox_api_token", token),
            ("insecure_skip_tls_verify", tls),
        ];
        if self.is_iso() {
            let mut key = Body::new();
            key.attr("type", Expr::Raw("string".into()))
                .attr(
                    "description",
                    Expr::str("The private key Packer logs in with; the installer is given its .pub beside it."),
                )
                .attr("default", Expr::str("~/.ssh/id_ed25519"));
            // No default: with 0.0.0.0 the plugin types into the boot command the
            // first address it finds on this machine, which on a machine with several
            // (a VPN, Docker's bridge) is often one the build VM cannot reach.
            let network = self.plan.networks.get(&self.nic.network);
            let cidr =
                network.map_or_else(String::new, |n| format!(" ({}/{})", n.address, n.prefix));
            let mut bind = Body::new();
            bind.attr("type", Expr::Raw("string".into()))
                .attr(
                    "description",
                    Expr::str(format!(
                        "The address of this machine that the build VM, on network {}{cidr}, reaches: it fetches the installer's answers from there (PKR_VAR_http_bind_address).",
                        self.nic.network
                    )),
                );
            let mut valid = Body::new();
            valid
                .attr(
                    "condition",
                    Expr::Raw(
                        "can(cidrhost(\"${var.http_bind_address}/32\", 0)) && var.http_bind_address != \"0.0.0.0\"".into(),
                    ),
                )
                .attr(
                    "error_message",
                    Expr::str("Set http_bind_address to one IPv4 address of this machine that the build VM can reach."),
                );
            bind.block("validation", &[], valid);
            variables.push(("ssh_private_key_file", key));
            variables.push(("http_bind_address", bind));
        }
        variables
    }

    fn locals(&self) -> Body {
        let mut locals = Body::new();
        locals
            .comment("The plugin takes the token's id and its secret apart.")
            .attr(
                "token_id",
                Expr::Raw("split(\"=\", var.proxmox_api_token)[0]".into()),
            )
            .attr(
                "token_secret",
                Expr::Raw("split(\"=\", var.proxmox_api_token)[1]".into()),
            );
        if self.is_iso() {
            locals.attr(
                "ssh_authorized_key",
                Expr::Raw(
                    "trimspace(file(pathexpand(\"${var.ssh_private_key_file}.pub\")))".into(),
                ),
            );
        }
        locals
    }

    /// The cluster's API, as the variable's default. How the cluster is reached
    /// changes nothing in the build: the file that is hashed (rendered before the
    /// fingerprint is known) names no endpoint, so a new address for the cluster
    /// does not make its templates be built again.
    fn api_url(&self) -> String {
        match self.fingerprint {
            Some(_) => format!(
                "{}/api2/json",
                self.plan.cluster.endpoint.trim_end_matches('/')
            ),
            None => String::new(),
        }
    }

    /// What every source starts with: where, who, which VM.
    fn common(&self) -> Body {
        let t = self.template;
        let mut body = Body::new();
        body.attr("proxmox_url", Expr::var(URL_VARIABLE))
            .attr("username", Expr::Raw("local.token_id".into()))
            .attr("token", Expr::Raw("local.token_secret".into()));
        body.attr(
            "insecure_skip_tls_verify",
            Expr::Raw("var.insecure_skip_tls_verify".into()),
        );
        body.attr("node", text(&t.node))
            .attr("vm_id", Expr::Num(t.vmid.into()))
            .attr("vm_name", text(&t.name))
            .attr("template_name", text(&t.name))
            .attr(
                "template_description",
                text(match &self.fingerprint {
                    Some(inputs) => format!(
                        "Built by Packer from image {}; generated by pxic from {}; {INPUTS_MARK}{inputs}.",
                        self.image.name, t.origin.file,
                    ),
                    None => format!("Built by Packer from image {}.", self.image.name),
                }),
            )
            .blank()
            .attr("os", text(&t.firmware.os_type))
            .attr("cpu_type", text(CPU_TYPE))
            .attr("cores", Expr::Num(t.cores.into()))
            .attr("memory", Expr::Num(t.memory / MIB))
            .attr("scsi_controller", text(SCSI_HARDWARE));
        if t.firmware.is_ovmf() {
            body.attr("bios", text(&t.firmware.bios));
        }
        body.attr_some("machine", t.firmware.machine.as_deref().map(text));
        body
    }

    fn network_adapter(&self) -> Body {
        let nic = self.nic;
        let mut adapter = Body::new();
        adapter
            .attr("model", text("virtio"))
            .attr("bridge", text(&nic.bridge))
            .attr("mac_address", text(&nic.mac))
            // The plugin takes the tag as a string.
            .attr_some("vlan_tag", nic.vlan.map(|v| text(v.to_string())))
            .attr_some("mtu", nic.mtu.map(|m| Expr::Num(m.into())));
        adapter
    }

    /// `proxmox-iso`: the installer ISO, downloaded by the node, answered over HTTP.
    fn iso_source(&self, answers: &[&str], boot: &[String]) -> (&'static str, Body) {
        let t = self.template;
        let image = self.image;
        let mut body = self.common();
        body.attr("qemu_agent", Expr::Bool(true));
        let mut iso = Body::new();
        iso.attr("type", text("scsi"))
            .attr("iso_url", text(&image.url))
            .attr("iso_checksum", text(iso_checksum(image)))
            .attr("iso_storage_pool", text(&t.image_storage))
            .attr("iso_download_pve", Expr::Bool(true))
            .attr("unmount", Expr::Bool(true));
        body.blank().block("boot_iso", &[], iso);
        let mut disk = Body::new();
        disk.attr("type", text("scsi"))
            // Packer's `20G` is 20 GiB.
            .attr("disk_size", text(format!("{}G", t.disk.div_ceil(GIB))))
            .attr("storage_pool", text(&t.storage))
            .attr(
                "format",
                text(super::disk_format(self.plan, &t.host, &t.storage)),
            )
            .attr("io_thread", Expr::Bool(true));
        body.blank().block("disks", &[], disk);
        self.firmware_disks(&mut body);
        body.blank()
            .block("network_adapters", &[], self.network_adapter());
        body.blank()
            .comment("An empty cloud-init drive, for the VMs Terraform clones from it.")
            .attr("cloud_init", Expr::Bool(true))
            .attr("cloud_init_storage_pool", text(&t.storage));
        // The answers go through templatefile(), which puts Packer's public key in.
        let served = answers
            .iter()
            .map(|name| {
                let path = path_in_root(&format!("http/{}/{name}", t.name));
                let value = if *name == "meta-data" {
                    Expr::Raw(format!("file({path})"))
                } else {
                    Expr::Raw(format!(
                        "templatefile({path}, {{ ssh_authorized_key = local.ssh_authorized_key }})"
                    ))
                };
                (Key::Str(format!("/{name}")), value)
            })
            .collect();
        body.blank()
            .attr("http_content", Expr::Object(served))
            .attr(
                "http_bind_address",
                Expr::Raw("var.http_bind_address".into()),
            )
            .attr("boot_wait", text("10s"))
            .attr("boot_key_interval", text("50ms"))
            .attr("boot_command", Expr::strings(boot));
        body.blank()
            .attr("ssh_username", text(BUILD_USER))
            .attr(
                "ssh_private_key_file",
                Expr::Raw("pathexpand(var.ssh_private_key_file)".into()),
            )
            .attr("ssh_host", text(self.nic.address.to_string()))
            .attr("ssh_timeout", text("45m"));
        ("proxmox-iso", body)
    }

    /// The EFI vars and TPM state disks of a build from an ISO, beside its disk. A
    /// clone has those of the base VM it is cloned from (`qm create` makes them).
    fn firmware_disks(&self, body: &mut Body) {
        let t = self.template;
        if t.firmware.is_ovmf() {
            let mut efi = Body::new();
            efi.attr("efi_storage_pool", text(&t.storage))
                .attr(
                    "efi_format",
                    text(super::disk_format(self.plan, &t.host, &t.storage)),
                )
                .attr("efi_type", text(EFI_TYPE))
                .attr("pre_enrolled_keys", Expr::Bool(t.firmware.secure_boot));
            body.blank().block("efi_config", &[], efi);
        }
        if t.firmware.tpm {
            let mut tpm = Body::new();
            tpm.attr("tpm_storage_pool", text(&t.storage))
                .attr("tpm_version", text(TPM_VERSION));
            body.blank().block("tpm_config", &[], tpm);
        }
    }

    /// `proxmox-clone`: a full clone of the base VM the host playbook made from the
    /// cloud image. Packer logs in with a key of its own, which it gives the clone
    /// through cloud-init and removes before the clone becomes the template.
    fn clone_source(&self, dns: &[Ipv4Addr]) -> (&'static str, Body) {
        let t = self.template;
        let nic = self.nic;
        let mut body = self.common();
        // Stock cloud images have no guest agent: Packer stops the VM through ACPI.
        body.attr("qemu_agent", Expr::Bool(false))
            .blank()
            .attr(
                "clone_vm_id",
                Expr::Num(t.base_vmid.unwrap_or_default().into()),
            )
            .attr("full_clone", Expr::Bool(true));
        body.blank()
            .block("network_adapters", &[], self.network_adapter());
        let mut ipconfig = Body::new();
        ipconfig
            .attr("ip", text(format!("{}/{}", nic.address, nic.prefix)))
            .attr_some("gateway", nic.gateway.map(|g| text(g.to_string())));
        body.blank().block("ipconfig", &[], ipconfig);
        if !dns.is_empty() {
            body.attr("nameserver", text(space_separated(dns)));
        }
        body.blank()
            .comment("Packer replaces the clone's cloud-init drive with an empty one.")
            .attr("cloud_init", Expr::Bool(true))
            .attr("cloud_init_storage_pool", text(&t.storage));
        body.blank()
            .attr("ssh_username", text(BUILD_USER))
            .attr("ssh_host", text(nic.address.to_string()))
            .attr("ssh_timeout", text("15m"));
        ("proxmox-clone", body)
    }

    /// Provisioning, in order: wait for cloud-init, packages, roles, scripts, then the
    /// clean-up that lets each clone come up as a new machine.
    fn build(&self, builder: &str) -> Body {
        let t = self.template;
        let mut body = Body::new();
        body.attr(
            "sources",
            Expr::strings([format!("source.{builder}.{}", t.name)]),
        );
        shell(
            &mut body,
            "Let cloud-init finish its first boot before anything else.",
            vec!["cloud-init status --wait || true".into()],
            false,
        );
        if let Some(build) = &t.build {
            if !build.packages.is_empty() {
                shell(
                    &mut body,
                    "The template's packages.",
                    install_packages(&self.image.family, &build.packages),
                    false,
                );
            }
            if !build.roles.is_empty() {
                let playbook = path_in_root(&format!("../ansible/{}", playbook_path(&t.name)));
                let mut p = Body::new();
                p.attr("playbook_file", Expr::Raw(playbook))
                    .attr("user", text(BUILD_USER))
                    .attr("use_proxy", Expr::Bool(false))
                    .attr(
                        "ansible_env_vars",
                        Expr::List(vec![Expr::Raw(ANSIBLE_CONFIG.into())]),
                    );
                body.blank()
                    .comment("The template's roles, from the Ansible roles pxic writes.")
                    .block("provisioner", &["ansible"], p);
            }
            if !build.scripts.is_empty() {
                shell(
                    &mut body,
                    "The template's own commands, in order.",
                    build.scripts.clone(),
                    false,
                );
            }
        }
        shell(
            &mut body,
            "Clones must come up as new machines: new identity, new SSH host keys, their own network and users.",
            self.clean_up(),
            true,
        );
        body
    }

    fn clean_up(&self) -> Vec<String> {
        let mut commands = vec![
            "cloud-init clean --logs --seed".to_string(),
            "rm -f /etc/ssh/ssh_host_*".to_string(),
            "truncate -s 0 /etc/machine-id".to_string(),
            "rm -f /var/lib/dbus/machine-id".to_string(),
        ];
        if self.is_iso() {
            // The installer wrote the build address into the network configuration
            // and told cloud-init to leave the network alone: clones need cloud-init's.
            // Subiquity's 90-installer-network.cfg holds the build NIC's network
            // config and would override Proxmox's on every clone.
            match self.image.family.as_str() {
                "ubuntu" => commands.push(
                    "rm -f /etc/netplan/*.yaml /etc/cloud/cloud.cfg.d/90-installer-network.cfg /etc/cloud/cloud.cfg.d/99-installer.cfg /etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg".into(),
                ),
                _ => commands.push(
                    "printf 'auto lo\\niface lo inet loopback\\n\\nsource /etc/network/interfaces.d/*\\n' > /etc/network/interfaces".into(),
                ),
            }
        }
        commands.push(format!(
            "rm -f /etc/sudoers.d/{BUILD_USER} /etc/sudoers.d/90-cloud-init-users"
        ));
        commands.push(format!("userdel --force --remove {BUILD_USER}"));
        commands
    }
}

/// A shell provisioner running `commands` as root, after a comment line.
fn shell(body: &mut Body, comment: &str, commands: Vec<String>, last: bool) {
    let mut p = Body::new();
    // pxic's own template, the one string Packer must render.
    p.attr("execute_command", Expr::str(SUDO_EXECUTE))
        .attr("inline", Expr::List(commands.iter().map(text).collect()));
    if last {
        // The build user is gone by then: Packer cannot log in to delete the
        // script, which /tmp loses at the next boot anyway.
        p.attr("skip_clean", Expr::Bool(true));
    }
    body.blank()
        .comment(comment)
        .block("provisioner", &["shell"], p);
}

/// The Ansible configuration for Packer's provisioner, beside the playbooks: it reads
/// the provisioner's INI inventory, which `ansible.cfg` (YAML only) refuses.
pub const ANSIBLE_CONFIG_FILE: &str = "packer.cfg";

/// Points the ansible provisioner at [`ANSIBLE_CONFIG_FILE`], as an HCL template (the
/// path is plain, so nothing in it needs escaping).
const ANSIBLE_CONFIG: &str = "\"ANSIBLE_CONFIG=${path.root}/../ansible/packer.cfg\"";

/// Name servers as the installers and the plugin's `nameserver` take them: separated
/// by spaces.
fn space_separated(addresses: &[Ipv4Addr]) -> String {
    addresses
        .iter()
        .map(Ipv4Addr::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs each inline script as root: Packer logs in as the build user.
const SUDO_EXECUTE: &str = "chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}";

/// The commands that install packages with the family's package manager; each name
/// is quoted for the shell.
fn install_packages(family: &str, packages: &[String]) -> Vec<String> {
    let names: Vec<String> = packages.iter().map(|p| shell_quote(p)).collect();
    match family {
        "rocky" | "almalinux" => vec![format!("dnf -y install {}", names.join(" "))],
        _ => vec![
            "apt-get update".to_string(),
            format!(
                "DEBIAN_FRONTEND=noninteractive apt-get -y install {}",
                names.join(" ")
            ),
        ],
    }
}

/// `'text'` for sh, with `'` written as `'\''`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A string value of a Packer file, whatever it holds: the one way every string the
/// builders and provisioners read is written. HCL's template sequences are escaped by
/// [`hcl::quote`] (`${` → `$${`, `%{` → `%%{`), and Go templates by [`go_literal`], so
/// an `endpoint`, node, bridge or storage name reaches the build as written.
/// The variable the API's URL comes from, so that `pxic apply` can point Packer at
/// the endpoint its own checks used.
pub const URL_VARIABLE: &str = "proxmox_url";

fn text(value: impl AsRef<str>) -> Expr {
    Expr::str(go_literal(value.as_ref()))
}

/// Text that Packer's Go templates leave as written: the plugins render `{{ … }}` in
/// almost every string they are given (every field of the proxmox sources but
/// `boot_command`, which is rendered later), so `{{` becomes `{{"{{"}}`.
fn go_literal(text: &str) -> String {
    text.replace("{{", "{{\"{{\"}}")
}

/// `"${path.root}/<relative>"`: a path beside the template file, as an HCL template
/// whose only interpolation is `path.root`.
fn path_in_root(relative: &str) -> String {
    format!("\"${{path.root}}/{}", &hcl::quote(relative)[1..])
}

/// Packer's ISO checksum: the pinned one, the file of sums published beside the ISO,
/// or none (Packer then only warns).
fn iso_checksum(image: &Image) -> String {
    match (&image.checksum, &image.checksum_url) {
        (Some(sum), _) => format!("{}:{sum}", image.checksum_algorithm),
        (None, Some(url)) => format!("file:{url}"),
        (None, None) => "none".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reaches_packer_as_written() {
        assert_eq!(go_literal("echo {{ x }}"), "echo {{\"{{\"}} x }}");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(
            path_in_root("http/a\"b/${x}"),
            "\"${path.root}/http/a\\\"b/$${x}\""
        );
    }
}
