# What keeps guests alive on a real cluster (issue 14):
# - `db-2` lives on `pve2`'s local ZFS and clones a template on shared Ceph on
#   `pve1`: Proxmox clones across nodes only onto shared storage, so the clone goes
#   to `ceph-vm` and the provider then moves the disk to `local-zfs`;
# - `plain` and `hardened` start from the same cloud image in the same storage: the
#   host playbook fetches it for Packer's base VM, so Terraform downloads nothing and
#   `plain` imports the file the playbook made;
# - `db-1` and `db-2` are stateful (`protection`); `db-1` may be rebooted to apply a
#   change; `hardened` installs the guest agent, so its clones turn it on (`auto`);
# - `db-1` starts first when `pve1` boots and is given three minutes to shut down.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
  storage ceph-vm { type = rbd, pool = "vm", content = [images, rootdir] }
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-zfs { type = zfspool, pool = "rpool/data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, snippets] }
}

host pve2 {
  address = 10.0.0.3
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-zfs { type = zfspool, pool = "rpool/data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, snippets] }
}

template plain {
  host          = pve1
  vmid          = 9000
  image         = os.debian_12
  storage       = ceph-vm
  image_storage = local
}

template hardened {
  host          = pve1
  vmid          = 9001
  image         = os.debian_12
  storage       = ceph-vm
  image_storage = local
  build { packages = ["qemu-guest-agent"] }
}

vm db-1 {
  host                = pve1
  template            = hardened
  storage             = local-zfs
  protection          = true
  reboot_after_update = true
  startup { order = 1, up = 30, down = 180 }
  network lan { ip = 10.0.0.21 }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"], sudo = true }
}

vm db-2 {
  host       = pve2
  template   = hardened
  storage    = local-zfs
  protection = true
  network lan { ip = 10.0.0.22 }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"], sudo = true }
}

vm scratch {
  host     = pve2
  template = plain
  network lan { ip = auto }
}
