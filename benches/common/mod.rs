//! What the benches share: a generated project.

#![allow(dead_code)]

use pxic::check::World;
use std::fmt::Write;
use std::path::Path;

/// A world without files: the generated projects read none.
pub struct NoFiles;

impl World for NoFiles {
    fn read_file(&self, _: &Path) -> Result<std::sync::Arc<str>, pxic::check::FileError> {
        Err(pxic::check::FileError::Unreadable("unused".into()))
    }
}

/// A project of 8 hosts and `vms` VMs; half have static addresses, half `auto`.
pub fn generate(vms: usize) -> String {
    let mut src = String::from(
        "use std.os\nuse std.roles\nuse std.profiles\n\ncluster lab {\n  endpoint = \"https://10.0.0.2:8006/\"\n  token = env(\"PROXMOX_VE_API_TOKEN\")\n  vmids = 100 .. 999999\n}\n\nnetwork lan {\n  cidr = 10.0.0.0/8\n  gateway = 10.0.0.1\n  dns = [10.0.0.1]\n  pool = 10.128.0.0 .. 10.255.255.254\n}\n\n",
    );
    for h in 0..8 {
        let _ = write!(
            src,
            "host pve{h} {{\n  address = 10.0.0.{}\n  cores = 128\n  memory = 1PiB\n  bridge vmbr0 {{ ports = [\"eno1\"], network = lan }}\n  storage local-lvm {{ type = lvmthin, vg = \"pve\", thinpool = \"data\", content = [images, rootdir] }}\n  storage local {{ type = dir, path = \"/var/lib/vz\", content = [import] }}\n}}\n\ntemplate ubuntu-{h} {{\n  host = pve{h}\n  vmid = {}\n  image = os.ubuntu_2404\n  storage = local-lvm\n}}\n\n",
            h + 2,
            1_000_000 + h
        );
    }
    for i in 0..vms {
        let h = i % 8;
        let ip = if i % 2 == 0 {
            format!("10.{}.{}.{}", 1 + i / 62_500, (i / 250) % 250, i % 250 + 2)
        } else {
            "auto".to_string()
        };
        let _ = write!(
            src,
            "vm web-{i:06} : profiles.small {{\n  host     = pve{h}\n  template = ubuntu-{h}\n  memory   = 4GiB\n  network lan {{ ip = {ip} }}\n  roles    = [roles.base]\n  user ops {{ ssh_keys = [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@lab\"], sudo = true }}\n  tags     = [\"web\", \"shard-{}\"]\n}}\n\n",
            i % 16
        );
    }
    src
}
