# `roles.ssh_hardening` turns root logins off, and Ansible logs in to containers as
# root (PXI0382): the run that applies it would be the last to reach the container.
# A role of one's own that writes `PermitRootLogin no`, needed through `depends`, is
# refused the same way; on a VM the role is fine.

use std.os
use std.roles

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

role strict_ssh {
  file "/etc/ssh/sshd_config" {
    content = "Port 22\npermitrootlogin   no\n"
    restart = ["ssh"]
  }
}

role web {
  depends  = [strict_ssh]
  packages = ["nginx"]
}

template debian-12 {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
}

container dns-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [roles.essentials, roles.ssh_hardening]
}

container web-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [web]
}

vm app-01 {
  host     = pve1
  template = debian-12
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [roles.base, roles.ssh_hardening]
}
